import type { OpenAPIHono } from '@hono/zod-openapi';
import { createHttpApp, createOpsApp } from '../../adapters/http/app.ts';
import { inProcessPart } from '../../adapters/http/health.route.ts';
import type { AuthSettings } from '../../adapters/http/http-dependencies.ts';
import type { Config } from '../config.ts';
import { wiringFor, type Runtime } from '../wiring/container.ts';
import { startHttpServer } from './http-server.ts';
import {
  buildRateLimits,
  EMBEDDED_RATE_LIMITS,
  type RateLimitDefaults,
} from '../wiring/rate-limit.ts';

/** What the HTTP servers need from the runtime (tests may pass a runtime of their own). */
export type HttpRuntime = Pick<
  Runtime,
  | 'config'
  | 'core'
  | 'ports'
  | 'metrics'
  | 'logger'
  | 'lifecycle'
  | 'healthChecks'
  | 'persistenceAudit'
> &
  Partial<Pick<Runtime, 'tracing'>>;

/** The user-id source chosen by AUTH_MODE (config validation guarantees the key in jwt mode). */
export function authSettings(config: Config): AuthSettings {
  if (config.AUTH_MODE !== 'jwt') return { mode: 'body' };
  const optional = {
    ...(config.JWT_ISSUER !== undefined ? { issuer: config.JWT_ISSUER } : {}),
    ...(config.JWT_AUDIENCE !== undefined ? { audience: config.JWT_AUDIENCE } : {}),
    segmentClaim: config.ELIGIBILITY_CLAIM,
  };
  if (config.JWT_PUBLIC_KEY !== undefined) {
    return { mode: 'jwt', algorithm: 'RS256', key: config.JWT_PUBLIC_KEY, ...optional };
  }
  if (config.JWT_SECRET !== undefined) {
    return { mode: 'jwt', algorithm: 'HS256', key: config.JWT_SECRET, ...optional };
  }
  throw new Error('AUTH_MODE=jwt without JWT_SECRET or JWT_PUBLIC_KEY'); // refused by loadConfig
}

export interface HttpOptions {
  /** Per-client limits where RATE_LIMIT_* is unset: the entrypoint decides (embedded: off). */
  readonly rateLimitDefaults?: RateLimitDefaults;
}

/** Builds the public Hono app from the container (no listening socket). */
export async function buildHttpApp(
  runtime: HttpRuntime,
  options: HttpOptions = {},
): Promise<OpenAPIHono> {
  const { config, core, ports, metrics, logger } = runtime;
  const rateLimits = await buildRateLimits(
    config,
    options.rateLimitDefaults ?? EMBEDDED_RATE_LIMITS,
    runtime.lifecycle,
    logger,
  );
  // The API process owns the outbox (its relay drains it): report its depth from the start.
  metrics.watchOutbox(ports.outbox);
  metrics.watchFailures(ports.failures);
  // … and it runs the persistence audit (startPersistenceAudit): its last figures.
  metrics.watchAudit(runtime.persistenceAudit);
  return createHttpApp({
    applyForCoupon: core.applyForCoupon,
    ...(core.admission ? { admission: core.admission } : {}),
    getIssuanceStatus: core.getIssuanceStatus,
    getCampaignSummary: core.getCampaignSummary,
    listCampaigns: core.listCampaigns,
    createCampaign: core.createCampaign,
    operate: {
      publishCampaign: core.publishCampaign,
      changeCampaign: core.changeCampaign,
      revokeCoupon: core.revokeCoupon,
      manageAllowlist: core.manageAllowlist,
      readAuditTrail: core.readAuditTrail,
      exportCoupons: core.exportCoupons,
    },
    getCampaignReport: core.getCampaignReport,
    listRecentAnswers: core.listRecentAnswers,
    traced: runtime.tracing === true,
    // The families on their in-memory adapter are listed too (`ledger: memory`, …).
    healthChecks: [
      ...runtime.healthChecks(),
      ...Object.entries(wiringFor(config))
        .filter(([, adapter]) => adapter === 'memory')
        .map(([family]) => inProcessPart(family)),
    ],
    persistenceAudit: runtime.persistenceAudit,
    logger,
    adminToken: config.ADMIN_TOKEN,
    ...(config.ADMIN_TOKENS ? { adminTokens: config.ADMIN_TOKENS } : {}),
    bodyLimitBytes: config.BODY_LIMIT_BYTES,
    auth: authSettings(config),
    metrics,
    ...(rateLimits ? { rateLimits } : {}),
  });
}

/** Builds the Hono app from the container and starts listening; stopped first on shutdown. */
export async function startHttp(
  runtime: HttpRuntime,
  options: HttpOptions = {},
): Promise<{ port: number; url: string }> {
  const { config, lifecycle } = runtime;
  const app = await buildHttpApp(runtime, options);
  const server = await startHttpServer(app, config.PORT, config.HOST);
  lifecycle.onStop('http', () => server.close());
  return { port: server.port, url: urlOf(config.HOST, server.port) };
}

/**
 * The ops server of a process without the public API (the consumer): `/metrics`,
 * `/health/live` and `/health/ready` on METRICS_PORT (0 picks a free port). Stopped on shutdown.
 */
export async function startMetricsServer(
  runtime: HttpRuntime,
  port: number = runtime.config.METRICS_PORT,
): Promise<{ port: number; url: string }> {
  const { config, logger, lifecycle, metrics } = runtime;
  // Not the outbox: the consumer process has none of its own to report.
  metrics.watchFailures(runtime.ports.failures);
  const app = createOpsApp({ healthChecks: runtime.healthChecks(), logger, metrics });
  const server = await startHttpServer(app, port, config.HOST);
  lifecycle.onStop('metrics-http', () => server.close());
  return { port: server.port, url: urlOf(config.HOST, server.port) };
}

function urlOf(host: string, port: number): string {
  const shown = host === '0.0.0.0' ? '127.0.0.1' : host;
  return `http://${shown}:${port}`;
}
