import { ContainerModule, type Container } from 'inversify';
import type { Registry } from 'prom-client';
import { CouponMetrics, type CouponMetricsOptions } from '../../adapters/metrics/coupon-metrics.ts';
import { TOKENS as T } from './tokens.ts';

export const METRICS = { metrics: T.metrics } as const;

/**
 * The process's metrics, on the Registry it is given (one per process or per test, never
 * prom-client's global one). Loading this module is what turns metering on: the decorator
 * bindings of application.module.ts take T.metrics when it is bound. It must be loaded before
 * anything is resolved (createRuntime resolves nothing; loading it there is enough).
 */
export function metricsModule(
  registry: Registry,
  options: CouponMetricsOptions = {},
): ContainerModule {
  return new ContainerModule(({ bind }) => {
    bind(T.metrics).toConstantValue(new CouponMetrics(registry, options));
  });
}

/** The process's metrics, when metricsModule was loaded. */
export function resolveMetrics(container: Container): CouponMetrics | undefined {
  return container.isBound(T.metrics) ? container.get(T.metrics) : undefined;
}

/**
 * Reports the backlogs this process owns from now on (gauges probed on scrape): the outbox in
 * the API process (`outbox: true`), the failure store everywhere (`coupon_failed_issuance_open`
 * and the dashboard's count). Elsewhere a gauge would read a misleading 0, so it is added here,
 * by the entrypoint, and nowhere else. Cheap: it shares the adapters' connections.
 */
export async function watchBacklogs(
  container: Container,
  options: { outbox: boolean },
): Promise<void> {
  const metrics = resolveMetrics(container);
  if (!metrics) return;
  if (options.outbox && container.isBound(T.outbox)) {
    metrics.watchOutbox(await container.getAsync(T.outbox));
  }
  if (container.isBound(T.failures)) metrics.watchFailures(await container.getAsync(T.failures));
}
