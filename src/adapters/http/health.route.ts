import type { OpenAPIHono } from '@hono/zod-openapi';
import type { HttpDependencies } from './http-dependencies.ts';
import { LiveSchema, ReadySchema } from './schemas.ts';

const CHECK_TIMEOUT_MS = 2000;

async function probe(check: () => Promise<void>): Promise<{ ok: boolean; error?: string }> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error('timed out')), CHECK_TIMEOUT_MS);
  });
  try {
    await Promise.race([check(), timeout]);
    return { ok: true };
  } catch (error) {
    return { ok: false, error: error instanceof Error ? error.message : String(error) };
  } finally {
    clearTimeout(timer);
  }
}

/** Liveness: the process answers. Readiness: every dependency answers (each reported by name). */
export function registerHealthRoutes(
  app: OpenAPIHono,
  deps: Pick<HttpDependencies, 'healthChecks'>,
): void {
  app.openAPIRegistry.registerPath({
    method: 'get',
    path: '/health/live',
    summary: 'Liveness: the process answers',
    tags: ['operations'],
    responses: {
      200: { description: 'Alive', content: { 'application/json': { schema: LiveSchema } } },
    },
  });
  app.openAPIRegistry.registerPath({
    method: 'get',
    path: '/health/ready',
    summary: 'Readiness: every dependency answers (each reported by name)',
    tags: ['operations'],
    responses: {
      200: { description: 'Ready', content: { 'application/json': { schema: ReadySchema } } },
      503: { description: 'Not ready', content: { 'application/json': { schema: ReadySchema } } },
    },
  });
  app.get('/health/live', (c) => c.json({ status: 'ok' }));
  app.get('/health/ready', async (c) => {
    const results = await Promise.all(
      deps.healthChecks.map(async (h) => [h.name, await probe(() => h.check())] as const),
    );
    const ready = results.every(([, r]) => r.ok);
    return c.json(
      { status: ready ? 'ready' : 'not-ready', checks: Object.fromEntries(results) },
      ready ? 200 : 503,
    );
  });
}
