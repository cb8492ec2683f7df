import type { OpenAPIHono } from '@hono/zod-openapi';
import { Registry } from 'prom-client';
import { createHttpApp, createOpsApp } from '../../adapters/http/app.ts';
import { inProcessPart } from '../../adapters/http/health.route.ts';
import type { AuthSettings } from '../../adapters/http/http-dependencies.ts';
import { CouponMetrics } from '../../adapters/metrics/coupon-metrics.ts';
import type { Config } from '../wiring/config.ts';
import { wiringFor, type Runtime } from '../wiring/container.ts';
import { startHttpServer } from './http-server.ts';
import { resolveMetrics, watchBacklogs } from '../wiring/metrics.module.ts';
import {
  buildRateLimits,
  EMBEDDED_RATE_LIMITS,
  type RateLimitDefaults,
} from '../wiring/rate-limit.ts';
import { TOKENS } from '../wiring/tokens.ts';

/** What the HTTP servers need from the runtime (tests may pass a runtime of their own). */
export type HttpRuntime = Pick<
  Runtime,
  'config' | 'container' | 'logger' | 'lifecycle' | 'healthChecks'
>;

/** The user-id source chosen by AUTH_MODE (config validation guarantees the key in jwt mode). */
export function authSettings(config: Config): AuthSettings {
  if (config.AUTH_MODE !== 'jwt') return { mode: 'body' };
  const optional = {
    ...(config.JWT_ISSUER !== undefined ? { issuer: config.JWT_ISSUER } : {}),
    ...(config.JWT_AUDIENCE !== undefined ? { audience: config.JWT_AUDIENCE } : {}),
  };
  if (config.JWT_PUBLIC_KEY !== undefined) {
    return { mode: 'jwt', algorithm: 'RS256', key: config.JWT_PUBLIC_KEY, ...optional };
  }
  if (config.JWT_SECRET !== undefined) {
    return { mode: 'jwt', algorithm: 'HS256', key: config.JWT_SECRET, ...optional };
  }
  throw new Error('AUTH_MODE=jwt without JWT_SECRET or JWT_PUBLIC_KEY'); // refused by loadConfig
}

/**
 * The process's metrics. Without metricsModule in the container, /metrics still answers (HTTP
 * and process metrics only) and says so once in the log.
 */
function metricsOf(runtime: HttpRuntime): CouponMetrics {
  const metrics = resolveMetrics(runtime.container);
  if (metrics) return metrics;
  runtime.logger.warn(
    {},
    'metricsModule is not loaded: /metrics reports HTTP and process metrics only (no decisions, ledger, relay or consumer metrics)',
  );
  return new CouponMetrics(new Registry());
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
  const { config, container, logger } = runtime;
  const rateLimits = await buildRateLimits(
    config,
    options.rateLimitDefaults ?? EMBEDDED_RATE_LIMITS,
    runtime.lifecycle,
    logger,
  );
  const metrics = metricsOf(runtime);
  // The API process owns the outbox (its relay drains it): report its depth from the start.
  await watchBacklogs(container, { outbox: true });
  return createHttpApp({
    applyForCoupon: container.get(TOKENS.applyForCoupon),
    getIssuanceStatus: container.get(TOKENS.getIssuanceStatus),
    getCampaignSummary: container.get(TOKENS.getCampaignSummary),
    listCampaigns: container.get(TOKENS.listCampaigns),
    createCampaign: container.get(TOKENS.createCampaign),
    // The families on their in-memory adapter are listed too (`ledger: memory`, …).
    healthChecks: [
      ...runtime.healthChecks(),
      ...Object.entries(wiringFor(config))
        .filter(([, adapter]) => adapter === 'memory')
        .map(([family]) => inProcessPart(family)),
    ],
    logger,
    adminToken: config.ADMIN_TOKEN,
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
  const { config, logger, lifecycle, container } = runtime;
  const metrics = metricsOf(runtime);
  // Not the outbox: the consumer process has none of its own to report.
  await watchBacklogs(container, { outbox: false });
  const app = createOpsApp({ healthChecks: runtime.healthChecks(), logger, metrics });
  const server = await startHttpServer(app, port, config.HOST);
  lifecycle.onStop('metrics-http', () => server.close());
  return { port: server.port, url: urlOf(config.HOST, server.port) };
}

function urlOf(host: string, port: number): string {
  const shown = host === '0.0.0.0' ? '127.0.0.1' : host;
  return `http://${shown}:${port}`;
}
