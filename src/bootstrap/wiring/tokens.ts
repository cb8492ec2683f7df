import type { ServiceIdentifier } from 'inversify';
import type { CouponMetrics } from '../../adapters/metrics/coupon-metrics.ts';
import type { ApplyForCouponUseCase } from '../../application/issue/apply-for-coupon.ts';
import type { CheckLedgers } from '../../application/operate/check-ledgers.ts';
import type { LedgerReconciler } from '../../application/operate/ledger-reconciler.ts';
import type { ReconcileLedger } from '../../application/operate/reconcile-ledger.ts';
import type { PersistenceBacklog } from '../../application/ports/persistence-backlog.port.ts';
import type { CreateCampaign } from '../../application/operate/create-campaign.ts';
import type { GetCampaignSummary } from '../../application/read/get-campaign-summary.ts';
import type { GetIssuanceStatus } from '../../application/read/get-issuance-status.ts';
import type { ListCampaigns } from '../../application/read/list-campaigns.ts';
import type { CampaignRepository } from '../../application/ports/campaign-repository.port.ts';
import type { Clock } from '../../application/ports/clock.port.ts';
import type { CouponPublisher } from '../../application/ports/coupon-publisher.port.ts';
import type { CouponRepository } from '../../application/ports/coupon-repository.port.ts';
import type { FailedIssuanceRepository } from '../../application/ports/failed-issuance-repository.port.ts';
import type { HealthCheck } from '../../application/ports/health-check.port.ts';
import type { IssuanceLedger } from '../../application/ports/issuance-ledger.port.ts';
import type { IssuanceOutbox } from '../../application/ports/issuance-outbox.port.ts';
import type { Logger } from '../../application/ports/logger.port.ts';
import type { LedgerVersions } from '../../application/ports/ledger-versions.port.ts';
import type { PersistenceMarks } from '../../application/ports/persistence-marks.port.ts';
import type { PersistedRecord } from '../../application/read/persisted-record.ts';
import type { RebuildLedger } from '../../application/operate/rebuild-ledger.ts';
import type { RecordIssuedCoupons } from '../../application/persist/record-issued-coupons.ts';
import type { RelayIssuedCoupons } from '../../application/relay/relay-issued-coupons.ts';
import type { RetryFailedIssuances } from '../../application/persist/retry-failed-issuances.ts';

const token = <T>(name: string) => Symbol.for(`coupon.${name}`) as ServiceIdentifier<T>;

/**
 * What an adapter module binds for the three decorated ports: the port as the adapter implements
 * it. Nothing but the decorator bindings (application.module.ts) resolves these; everything else
 * gets TOKENS.ledger, TOKENS.coupons and TOKENS.publisher, the decorated ports.
 */
export const ADAPTERS = {
  ledger: token<IssuanceLedger>('adapter.IssuanceLedger'),
  coupons: token<CouponRepository>('adapter.CouponRepository'),
  publisher: token<CouponPublisher>('adapter.CouponPublisher'),
} as const;

/** DI tokens: symbols typed with what they resolve to. */
export const TOKENS = {
  logger: token<Logger>('Logger'),
  /** Bound by metricsModule only: the decorators meter when it is loaded. */
  metrics: token<CouponMetrics>('metrics.CouponMetrics'),
  clock: token<Clock>('Clock'),
  ledger: token<IssuanceLedger>('IssuanceLedger'),
  outbox: token<IssuanceOutbox>('IssuanceOutbox'),
  publisher: token<CouponPublisher>('CouponPublisher'),
  coupons: token<CouponRepository>('CouponRepository'),
  campaigns: token<CampaignRepository>('CampaignRepository'),
  failures: token<FailedIssuanceRepository>('FailedIssuanceRepository'),
  healthChecks: token<HealthCheck>('HealthCheck'),
  persistenceMarks: token<PersistenceMarks>('PersistenceMarks'),
  ledgerVersions: token<LedgerVersions>('LedgerVersions'),
  /** The campaign catalog cached in process memory (CachedCampaignRepository), for the reads. */
  campaignCatalog: token<CampaignRepository>('CampaignCatalog'),
  persistedRecord: token<PersistedRecord>('PersistedRecord'),
  backlog: token<PersistenceBacklog>('PersistenceBacklog'),
  reconcileLedger: token<ReconcileLedger>('ReconcileLedger'),
  ledgerReconciler: token<LedgerReconciler>('LedgerReconciler'),
  checkLedgers: token<CheckLedgers>('CheckLedgers'),
  applyForCoupon: token<ApplyForCouponUseCase>('ApplyForCoupon'),
  createCampaign: token<CreateCampaign>('CreateCampaign'),
  getCampaignSummary: token<GetCampaignSummary>('GetCampaignSummary'),
  getIssuanceStatus: token<GetIssuanceStatus>('GetIssuanceStatus'),
  listCampaigns: token<ListCampaigns>('ListCampaigns'),
  recordIssuedCoupons: token<RecordIssuedCoupons>('RecordIssuedCoupons'),
  relayIssuedCoupons: token<RelayIssuedCoupons>('RelayIssuedCoupons'),
  rebuildLedger: token<RebuildLedger>('RebuildLedger'),
  retryFailedIssuances: token<RetryFailedIssuances>('RetryFailedIssuances'),
} as const;
