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

interface CheckResult {
  ok: boolean;
  error?: string;
  adapter?: string;
}

/**
 * A part of the service that lives in this process (the embedded mode's in-memory ledger, event
 * log and store). It is ready whenever the process answers; it is listed anyway, so readiness
 * shows what the service stands on instead of an empty `checks: {}` that reads like "nothing
 * was checked".
 */
export function inProcessPart(name: string): HealthCheck & { readonly adapter: 'memory' } {
  return { name, adapter: 'memory', check: async () => {} };
}

const adapterOf = (check: HealthCheck): string | undefined =>
  'adapter' in check && typeof check.adapter === 'string' ? check.adapter : undefined;

async function probe(check: () => Promise<void>): Promise<CheckResult> {
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
  readonly checks: Record<string, CheckResult>;
}

async function probeAll(checks: readonly HealthCheck[]): Promise<Readiness> {
  const results = await Promise.all(
    checks.map(async (h) => {
      const adapter = adapterOf(h);
      const result = await probe(() => h.check());
      return [h.name, adapter === undefined ? result : { ...result, adapter }] as const;
    }),
  );
  return { ready: results.every(([, r]) => r.ok), checks: Object.fromEntries(results) };
}

/** Liveness: the process answers. Readiness: every dependency answers (each reported by name). */
export function registerHealthRoutes(
  app: OpenAPIHono,
  deps: Pick<HttpDependencies, 'healthChecks' | 'persistenceAudit'>,
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
    summary:
      'Readiness: every dependency answers (each reported by name; in-process parts of the ' +
      'embedded mode are listed with adapter "memory")',
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
    // The audit's figures are shown, never a reason to be unready: what it finds, it repairs.
    const audit = deps.persistenceAudit ? { audit: deps.persistenceAudit.summary() } : {};
    return c.json({ status: ready ? 'ready' : 'not-ready', checks, ...audit }, ready ? 200 : 503);
  });
}
