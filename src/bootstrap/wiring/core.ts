import {
  AdmitApplicant,
  type AdmitApplicantUseCase,
} from '../../application/admit/admit-applicant.ts';
import {
  IssueChallenge,
  type IssueChallengeUseCase,
} from '../../application/admit/issue-challenge.ts';
import { GatedCampaigns } from '../../application/admit/gated-campaigns.ts';
import type { IssuanceLedger } from '../../application/ports/issuance-ledger.port.ts';
import type { ProofOfWork } from '../../application/ports/proof-of-work.port.ts';
import { ApplyForCoupon } from '../../application/issue/apply-for-coupon.ts';
import { SellOutAnnouncer } from '../../application/issue/sell-out-announcer.ts';
import { CheckLedgers } from '../../application/operate/check-ledgers.ts';
import { ChangeCampaign } from '../../application/operate/change-campaign.ts';
import { CreateCampaign } from '../../application/operate/create-campaign.ts';
import { LedgerReconciler } from '../../application/operate/ledger-reconciler.ts';
import { ManageAllowlist } from '../../application/operate/manage-allowlist.ts';
import { PublishCampaign } from '../../application/operate/publish-campaign.ts';
import { ReadAuditTrail } from '../../application/operate/read-audit-trail.ts';
import { RebuildLedger } from '../../application/operate/rebuild-ledger.ts';
import { ReconcileLedger } from '../../application/operate/reconcile-ledger.ts';
import { RevokeCoupon } from '../../application/operate/revoke-coupon.ts';
import { RecordIssuedCoupons } from '../../application/persist/record-issued-coupons.ts';
import { RetryFailedIssuances } from '../../application/persist/retry-failed-issuances.ts';
import { CachedCampaignRepository } from '../../application/read/cached-campaign-repository.ts';
import { ExportCoupons } from '../../application/read/export-coupons.ts';
import { GetCampaignSummary } from '../../application/read/get-campaign-summary.ts';
import { GetIssuanceStatus } from '../../application/read/get-issuance-status.ts';
import { ListCampaigns } from '../../application/read/list-campaigns.ts';
import { MarkingCouponRepository } from '../../application/read/marking-coupon-repository.ts';
import { PersistedRecord } from '../../application/read/persisted-record.ts';
import { RelayIssuedCoupons } from '../../application/relay/relay-issued-coupons.ts';
import type { CouponMetrics } from '../../adapters/metrics/coupon-metrics.ts';
import {
  MeteredAdmitApplicant,
  MeteredIssueChallenge,
} from '../../adapters/metrics/metered-admission.ts';
import { MeteredApplyForCoupon } from '../../adapters/metrics/metered-apply-for-coupon.ts';
import { MeteredCouponPublisher } from '../../adapters/metrics/metered-coupon-publisher.ts';
import { MeteredCouponRepository } from '../../adapters/metrics/metered-coupon-repository.ts';
import { MeteredIssuanceLedger } from '../../adapters/metrics/metered-issuance-ledger.ts';
import { TracedCouponPublisher } from '../../adapters/tracing/traced-coupon-publisher.ts';
import { TracedIssuanceLedger } from '../../adapters/tracing/traced-issuance-ledger.ts';
import type { Ports } from './ports.ts';
import { composeReport, type ReportOptions } from './report.ts';

/**
 * The read side's freshness (docs/scaling.md, "Reads"): counts and definitions are reused for at
 * most READ_REFRESH_MS per process. A settled campaign's copy in memory (a Redis adapter's
 * concern) is re-checked every SETTLED_REVALIDATE_MS; a winner set larger than
 * SETTLED_MAX_WINNERS stays in Redis.
 */
export const READ_REFRESH_MS = 1000;
export const SETTLED_REVALIDATE_MS = 1000;
export const SETTLED_MAX_WINNERS = 100_000;

/**
 * The core of every process, composed over its ports: the API, the consumer, the embedded mode
 * and the operator commands all run these use cases; each uses the ones it needs. Every decorator
 * chain is written where it is built, outermost first (with metrics; without, the decorators are
 * left out):
 * - ledger: metered → traced (tracing on: the reserve's span) → the adapter (the Redis one
 *   answers settled campaigns from memory inside);
 * - coupons: metered → marked as persisted after each write → the adapter;
 * - publisher: metered → traced (tracing on: a publish span per coupon, in its trace) → the adapter;
 * - apply: metered (each decision counted by outcome) → ApplyForCoupon.
 * The campaign report's counters (report.ts) wrap the apply chain and the coupons chain, outermost.
 */
export function composeCore(
  ports: Ports,
  metrics?: CouponMetrics,
  report?: ReportOptions,
  tracing?: TracingOptions,
  proofOfWork?: ProofOfWork,
) {
  const { logger, clock, outbox, backlog, campaigns, failures, recovery, controls, allowlist } =
    ports;
  const traced = tracing ? new TracedIssuanceLedger(ports.ledger) : ports.ledger;
  const ledger = metrics ? new MeteredIssuanceLedger(traced, metrics) : traced;
  const marking = new MarkingCouponRepository(ports.coupons, ports.marks);
  const reporting = composeReport(ports, report);
  const coupons = reporting.tallyDelays(
    metrics ? new MeteredCouponRepository(marking, metrics, clock) : marking,
  );
  const tracedPublisher = tracing
    ? new TracedCouponPublisher(ports.publisher, tracing.topic)
    : ports.publisher;
  const publisher = metrics
    ? new MeteredCouponPublisher(tracedPublisher, metrics, clock)
    : tracedPublisher;

  const catalog = new CachedCampaignRepository(campaigns, { ttlMs: READ_REFRESH_MS });
  const record = new PersistedRecord(ports.marks, coupons, READ_REFRESH_MS);
  const reconcileLedger = new ReconcileLedger(
    campaigns,
    coupons,
    failures,
    recovery,
    backlog,
    clock,
    allowlist,
  );
  const reconciler = new LedgerReconciler(reconcileLedger, logger);
  const announcer = new SellOutAnnouncer(logger, () => clock.now().getTime());
  const apply = new ApplyForCoupon(ledger, catalog, clock, reconciler, announcer);
  const getCampaignSummary = new GetCampaignSummary(catalog, ledger, record, clock);
  // The proof-of-work gate (metered: challenges issued, solutions accepted and refused by reason).
  const admission = proofOfWork && composeAdmission(ports, catalog, ledger, proofOfWork, metrics);
  return {
    ...(admission ? { admission } : {}),
    applyForCoupon: reporting.tallyAnswers(
      metrics ? new MeteredApplyForCoupon(apply, metrics) : apply,
    ),
    getIssuanceStatus: new GetIssuanceStatus(catalog, ledger, record, reconciler),
    getCampaignSummary,
    listCampaigns: new ListCampaigns(catalog, getCampaignSummary),
    createCampaign: new CreateCampaign(catalog),
    publishCampaign: new PublishCampaign(catalog, allowlist, ledger, controls, clock),
    changeCampaign: new ChangeCampaign(catalog, ledger, clock),
    revokeCoupon: new RevokeCoupon(catalog, controls, clock),
    manageAllowlist: new ManageAllowlist(catalog, allowlist, controls),
    readAuditTrail: new ReadAuditTrail(ports.audit),
    exportCoupons: new ExportCoupons(coupons),
    relayIssuedCoupons: new RelayIssuedCoupons(outbox, publisher),
    recordIssuedCoupons: new RecordIssuedCoupons(coupons, failures, clock, logger),
    retryFailedIssuances: new RetryFailedIssuances(failures, coupons, clock),
    checkLedgers: new CheckLedgers(campaigns, coupons, recovery, reconciler, clock, logger),
    rebuildLedger: new RebuildLedger(reconcileLedger, outbox, backlog, failures),
    reconciler,
    reemissions: reporting.reemissions,
    ...reporting.useCases(catalog, ledger, coupons),
  };
}

export type Core = ReturnType<typeof composeCore>;

/** Tracing on: what its decorators need (the event log's topic names the publish spans). */
export interface TracingOptions {
  readonly topic: string;
}

/** The gate, outermost first: metered → the use case. */
function composeAdmission(
  ports: Ports,
  catalog: CachedCampaignRepository,
  ledger: IssuanceLedger,
  proofOfWork: ProofOfWork,
  metrics: CouponMetrics | undefined,
): { admitApplicant: AdmitApplicantUseCase; issueChallenge: IssueChallengeUseCase } {
  const gated = new GatedCampaigns(catalog, ports.campaigns, ledger, { ttlMs: READ_REFRESH_MS });
  // The same ledger chain as the apply's: a campaign it answers from memory as settled (sold
  // out, closed) is answered before the gate, everything else passes the gate first.
  const admit = new AdmitApplicant(gated, proofOfWork, ports.spentProofs, ports.clock, ledger);
  const challenge = new IssueChallenge(gated, proofOfWork, ports.clock);
  return metrics
    ? {
        admitApplicant: new MeteredAdmitApplicant(admit, metrics),
        issueChallenge: new MeteredIssueChallenge(challenge, metrics),
      }
    : { admitApplicant: admit, issueChallenge: challenge };
}
