import type { OpenAPIHono } from '@hono/zod-openapi';
import type { HealthCheck } from '../../application/ports/health-check.port.ts';
import { SingleFlightCache } from '../../application/read/single-flight.ts';
import type { HttpDependencies } from './http-dependencies.ts';
import { LiveSchema, ReadySchema } from './schemas.ts';

const CHECK_TIMEOUT_MS = 2000;
/**
 * One readiness probe of the dependencies is shared by every caller for this long (and while it
 * runs): a flood of /health/ready (load balancers, a polling script) costs one PING per
 * dependency per interval, not one per request.
 */
export const READY_CACHE_MS = 500;

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

interface Readiness {
  readonly ready: boolean;
  readonly checks: Record<string, { ok: boolean; error?: string }>;
}

async function probeAll(checks: readonly HealthCheck[]): Promise<Readiness> {
  const results = await Promise.all(
    checks.map(async (h) => [h.name, await probe(() => h.check())] as const),
  );
  return { ready: results.every(([, r]) => r.ok), checks: Object.fromEntries(results) };
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
  const readiness = new SingleFlightCache<'ready', Readiness>({
    ttlMs: () => READY_CACHE_MS,
    failureTtlMs: 0,
    maxEntries: 1,
  });
  app.get('/health/ready', async (c) => {
    const { ready, checks } = await readiness.get('ready', () => probeAll(deps.healthChecks));
    return c.json({ status: ready ? 'ready' : 'not-ready', checks }, ready ? 200 : 503);
  });
}
