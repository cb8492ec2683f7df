import { createRoute, z, type OpenAPIHono } from '@hono/zod-openapi';
import type { HttpMetrics } from './http-dependencies.ts';
import { StatsSchema } from './schemas.ts';

const statsRoute = createRoute({
  method: 'get',
  path: '/stats',
  summary:
    'Cumulative apply decisions by outcome, outbox depth and open failures (public, read-only)',
  description:
    "This process's counters since it started (the dashboard derives rates from their deltas). " +
    'outboxDepth / failedOpen are null when this process does not use that store.',
  tags: ['operations'],
  responses: {
    200: { description: 'The counters', content: { 'application/json': { schema: StatsSchema } } },
  },
});

/** `/metrics` (Prometheus text) and `/stats` (the same decision counters as JSON). */
export function registerMetricsRoutes(app: OpenAPIHono, metrics: HttpMetrics): void {
  app.openAPIRegistry.registerPath({
    method: 'get',
    path: '/metrics',
    summary: 'Prometheus metrics of this process (text exposition format)',
    tags: ['operations'],
    responses: {
      200: {
        description:
          'Requests by route and status, apply decisions by outcome, ledger latency, ' +
          'outbox depth, relay and consumer batch sizes and lag, open failures, Node process metrics',
        content: { 'text/plain': { schema: z.string() } },
      },
    },
  });
  app.get('/metrics', async (c) =>
    c.body(await metrics.exposition(), 200, {
      'Content-Type': metrics.contentType,
      'Cache-Control': 'no-store',
    }),
  );

  app.openapi(statsRoute, async (c) => {
    const snapshot = await metrics.snapshot();
    c.header('Cache-Control', 'no-store');
    return c.json({ at: new Date().toISOString(), ...snapshot }, 200);
  });
}
