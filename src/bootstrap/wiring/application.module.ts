import {
  ContainerModule,
  type MapToResolvedValueInjectOptions,
  type ServiceIdentifier,
} from 'inversify';
import { ApplyForCoupon } from '../../application/issue/apply-for-coupon.ts';
import { CheckLedgers } from '../../application/operate/check-ledgers.ts';
import { LedgerReconciler } from '../../application/operate/ledger-reconciler.ts';
import { ReconcileLedger } from '../../application/operate/reconcile-ledger.ts';
import { CreateCampaign } from '../../application/operate/create-campaign.ts';
import { GetCampaignSummary } from '../../application/read/get-campaign-summary.ts';
import { GetIssuanceStatus } from '../../application/read/get-issuance-status.ts';
import { ListCampaigns } from '../../application/read/list-campaigns.ts';
import { RebuildLedger } from '../../application/operate/rebuild-ledger.ts';
import { RecordIssuedCoupons } from '../../application/persist/record-issued-coupons.ts';
import { RelayIssuedCoupons } from '../../application/relay/relay-issued-coupons.ts';
import { RetryFailedIssuances } from '../../application/persist/retry-failed-issuances.ts';
import { CachedCampaignRepository } from '../../application/read/cached-campaign-repository.ts';
import { MarkingCouponRepository } from '../../application/read/marking-coupon-repository.ts';
import { PersistedRecord } from '../../application/read/persisted-record.ts';
import { SettledCampaignLedger } from '../../application/read/settled-campaign-ledger.ts';
import type { CouponMetrics } from '../../adapters/metrics/coupon-metrics.ts';
import { MeteredApplyForCoupon } from '../../adapters/metrics/metered-apply-for-coupon.ts';
import { MeteredCouponPublisher } from '../../adapters/metrics/metered-coupon-publisher.ts';
import { MeteredCouponRepository } from '../../adapters/metrics/metered-coupon-repository.ts';
import { MeteredIssuanceLedger } from '../../adapters/metrics/metered-issuance-ledger.ts';
import { ADAPTERS, TOKENS as T } from './tokens.ts';

/**
 * The read side's freshness (docs/scaling.md, "Reads"): counts and definitions are reused for at
 * most READ_REFRESH_MS per process; a settled (sold-out or closed) campaign answered from memory
 * is re-checked against the ledger every SETTLED_REVALIDATE_MS; a winner set larger than
 * SETTLED_MAX_WINNERS stays in the ledger.
 */
export const READ_REFRESH_MS = 1000;
export const SETTLED_REVALIDATE_MS = 1000;
export const SETTLED_MAX_WINNERS = 100_000;

/** The metrics, when metricsModule is loaded: every decorator below meters only then. */
const METRICS_IF_LOADED = { serviceIdentifier: T.metrics, optional: true } as const;

/**
 * The use cases, bound with factories (`toResolvedValue`): they stay plain classes with no
 * decorators, and both entrypoints get the same ones.
 *
 * The three decorated ports are bound here, explicitly, over what the adapter module bound
 * (ADAPTERS.*), whichever it was (memory or real). Read each binding as the chain a call runs:
 * - the ledger: each call timed, then settled campaigns answered from memory, the rest by the store;
 * - the coupon store: each durable write timed, then its coupons marked as persisted;
 * - the publisher: each publish timed and counted;
 * - ApplyForCoupon: each decision counted by outcome.
 */
export const applicationModule = new ContainerModule(({ bind }) => {
  /** One instance per container, made by `make` from the resolved `deps`. */
  const single = <V, A extends unknown[]>(
    token: ServiceIdentifier<V>,
    make: (...deps: A) => V,
    deps: MapToResolvedValueInjectOptions<A>,
  ) => {
    bind(token).toResolvedValue(make, deps).inSingletonScope();
  };
  single(
    T.ledger,
    (ledger, versions, metrics?: CouponMetrics) => {
      const settled = new SettledCampaignLedger(ledger, versions, {
        revalidateMs: SETTLED_REVALIDATE_MS,
        maxWinners: SETTLED_MAX_WINNERS,
      });
      return metrics ? new MeteredIssuanceLedger(settled, metrics) : settled;
    },
    [ADAPTERS.ledger, T.ledgerVersions, METRICS_IF_LOADED],
  );
  single(
    T.coupons,
    (coupons, marks, clock, metrics?: CouponMetrics) => {
      const marking = new MarkingCouponRepository(coupons, marks);
      return metrics ? new MeteredCouponRepository(marking, metrics, clock) : marking;
    },
    [ADAPTERS.coupons, T.persistenceMarks, T.clock, METRICS_IF_LOADED],
  );
  single(
    T.publisher,
    (publisher, clock, metrics?: CouponMetrics) =>
      metrics ? new MeteredCouponPublisher(publisher, metrics, clock) : publisher,
    [ADAPTERS.publisher, T.clock, METRICS_IF_LOADED],
  );
  single(
    T.applyForCoupon,
    (l, c, k, q, metrics?: CouponMetrics) => {
      const useCase = new ApplyForCoupon(l, c, k, q);
      return metrics ? new MeteredApplyForCoupon(useCase, metrics) : useCase;
    },
    [T.ledger, T.campaignCatalog, T.clock, T.ledgerReconciler, METRICS_IF_LOADED],
  );
  single(T.campaignCatalog, (c) => new CachedCampaignRepository(c, { ttlMs: READ_REFRESH_MS }), [
    T.campaigns,
  ]);
  single(T.persistedRecord, (m, r) => new PersistedRecord(m, r, READ_REFRESH_MS), [
    T.persistenceMarks,
    T.coupons,
  ]);
  single(T.reconcileLedger, (c, r, f, l, b, k) => new ReconcileLedger(c, r, f, l, b, k), [
    T.campaigns,
    T.coupons,
    T.failures,
    T.ledger,
    T.backlog,
    T.clock,
  ]);
  single(T.ledgerReconciler, (r, log) => new LedgerReconciler(r, log), [
    T.reconcileLedger,
    T.logger,
  ]);
  single(T.checkLedgers, (c, r, l, q, k, log) => new CheckLedgers(c, r, l, q, k, log), [
    T.campaigns,
    T.coupons,
    T.ledger,
    T.ledgerReconciler,
    T.clock,
    T.logger,
  ]);
  single(T.createCampaign, (c, l) => new CreateCampaign(c, l), [T.campaignCatalog, T.ledger]);
  single(T.getCampaignSummary, (c, l, r) => new GetCampaignSummary(c, l, r), [
    T.campaignCatalog,
    T.ledger,
    T.persistedRecord,
  ]);
  single(T.getIssuanceStatus, (c, l, r, q) => new GetIssuanceStatus(c, l, r, q), [
    T.campaignCatalog,
    T.ledger,
    T.persistedRecord,
    T.ledgerReconciler,
  ]);
  single(T.listCampaigns, (c, s) => new ListCampaigns(c, s), [
    T.campaignCatalog,
    T.getCampaignSummary,
  ]);
  single(T.recordIssuedCoupons, (r, f, k, log) => new RecordIssuedCoupons(r, f, k, log), [
    T.coupons,
    T.failures,
    T.clock,
    T.logger,
  ]);
  single(T.relayIssuedCoupons, (o, p) => new RelayIssuedCoupons(o, p), [T.outbox, T.publisher]);
  single(T.rebuildLedger, (r, o, b, f) => new RebuildLedger(r, o, b, f), [
    T.reconcileLedger,
    T.outbox,
    T.backlog,
    T.failures,
  ]);
  single(T.retryFailedIssuances, (f, r, k) => new RetryFailedIssuances(f, r, k), [
    T.failures,
    T.coupons,
    T.clock,
  ]);
});
