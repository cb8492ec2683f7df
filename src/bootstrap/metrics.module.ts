import { ContainerModule, type Container, type ServiceIdentifier } from 'inversify';
import type { Registry } from 'prom-client';
import { CouponMetrics, type CouponMetricsOptions } from '../adapters/metrics/coupon-metrics.ts';
import { MeteredApplyForCoupon } from '../adapters/metrics/metered-apply-for-coupon.ts';
import { MeteredCouponPublisher } from '../adapters/metrics/metered-coupon-publisher.ts';
import { MeteredCouponRepository } from '../adapters/metrics/metered-coupon-repository.ts';
import { MeteredIssuanceLedger } from '../adapters/metrics/metered-issuance-ledger.ts';
import { TOKENS as T } from './tokens.ts';

export const METRICS = {
  metrics: Symbol.for('coupon.metrics.CouponMetrics') as ServiceIdentifier<CouponMetrics>,
} as const;

/**
 * Instruments the process without touching the core: each metered decorator class
 * (MeteredIssuanceLedger, MeteredApplyForCoupon, MeteredCouponPublisher, MeteredCouponRepository)
 * wraps the instance a binding resolves to, whatever module (memory or real) binds it; nothing
 * is patched, and what callers hold is the decorator. Activation runs
 * when a binding is first resolved, so this module must be loaded before anything is resolved
 * (createRuntime resolves nothing; loading it there, in any order relative to the other
 * modules, is enough). One Registry per process (or per test): never prom-client's global one.
 */
export function metricsModule(
  registry: Registry,
  options: CouponMetricsOptions = {},
): ContainerModule {
  return new ContainerModule(({ bind, onActivation }) => {
    const metrics = new CouponMetrics(registry, options);
    bind(METRICS.metrics).toConstantValue(metrics);

    onActivation(T.ledger, (_ctx, ledger) => new MeteredIssuanceLedger(ledger, metrics));
    onActivation(T.applyForCoupon, (_ctx, useCase) => new MeteredApplyForCoupon(useCase, metrics));
    onActivation(
      T.publisher,
      (ctx, publisher) => new MeteredCouponPublisher(publisher, metrics, ctx.get(T.clock)),
    );
    onActivation(
      T.coupons,
      (ctx, coupons) => new MeteredCouponRepository(coupons, metrics, ctx.get(T.clock)),
    );
    // Gauges probed on scrape: they report only once the port is in use in this process (the
    // consumer process has no outbox of its own to report).
    onActivation(T.outbox, (_ctx, outbox) => {
      metrics.watchOutbox(outbox);
      return outbox;
    });
    onActivation(T.failures, (_ctx, failures) => {
      metrics.watchFailures(failures);
      return failures;
    });
  });
}

/** The process's metrics, when metricsModule was loaded. */
export function resolveMetrics(container: Container): CouponMetrics | undefined {
  return container.isBound(METRICS.metrics) ? container.get(METRICS.metrics) : undefined;
}

/**
 * Activates the stores whose backlog the process reports, so their gauges exist even before
 * anything else resolved them: the outbox in the API process (`api: true`), the failure store
 * everywhere (`coupon_failed_issuance_open` and the dashboard's count). Cheap: it shares the
 * adapters' connections. Async bindings are awaited.
 */
export async function watchBacklogs(
  container: Container,
  options: { outbox: boolean },
): Promise<void> {
  if (options.outbox && container.isBound(T.outbox)) await container.getAsync(T.outbox);
  if (container.isBound(T.failures)) await container.getAsync(T.failures);
}
