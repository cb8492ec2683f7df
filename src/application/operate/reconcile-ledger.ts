import { isDraft, type Campaign } from '../../domain/campaign.ts';
import type { Coupon, Revocation } from '../../domain/coupon.ts';
import type { CampaignId, UserId } from '../../domain/ids.ts';
import { campaignCoupons } from '../campaign-coupons.ts';
import { decodeCouponIssued } from '../persist/coupon-issued-event.ts';
import type { Allowlist } from '../ports/allowlist.port.ts';
import type { CampaignRepository } from '../ports/campaign-repository.port.ts';
import type { Clock } from '../ports/clock.port.ts';
import type { CouponRepository } from '../ports/coupon-repository.port.ts';
import type { FailedIssuanceRepository } from '../ports/failed-issuance-repository.port.ts';
import type { LedgerRecovery } from '../ports/ledger-recovery.port.ts';
import type { PersistenceBacklog } from '../ports/persistence-backlog.port.ts';

/** Allowlist users read per query. */
const ALLOWLIST_PAGE = 10_000;
/** Open failures read per reconciliation; a campaign with more is not reconciled by itself. */
const MAX_FAILURES = 10_000;
/** How long one process holds a campaign's reconcile claim (a crashed holder's lapses). */
export const RECONCILE_CLAIM_MS = 5_000;

export type ReconcileOutcome =
  | {
      readonly kind: 'reconciled';
      /** Winners in the reconciled ledger; `fromRecord` of them came back from the durable record. */
      readonly winners: number;
      readonly fromRecord: number;
    }
  | { readonly kind: 'unknown-campaign' }
  /** Another process holds the claim and is reconciling it. */
  | { readonly kind: 'busy' }
  /** Events are in the log and not yet durable: the record is incomplete, try again later. */
  | { readonly kind: 'events-in-flight'; readonly pending: number };

export interface ReconcileOptions {
  /**
   * Go ahead with events not yet persisted (the operator's --force): what the ledger holds is
   * still merged in, but grants the ledger lost and the record does not have yet are not.
   */
  readonly ignoreBacklog?: boolean;
}

/**
 * Brings a campaign's ledger back in line with the durable record, never the other way round.
 *
 * A ledger can come back OLDER than what it acknowledged (a restart from a stale AOF, a failover
 * to a lagging replica, a restored backup, a rebuild run too early). Trusting it would hand out
 * sequences and users again (G1, G2). So:
 * 1. fence: the campaign decides nothing from now on (503 LEDGER_NOT_READY);
 * 2. wait for a complete record: the consumer group must have no lag, so every grant that
 *    reached the log is in MySQL or in failed_issuance (grants still in the outbox are in the
 *    ledger itself: the same script wrote both);
 * 3. merge: every durable winner, every decodable open failure of the campaign, and every winner
 *    the ledger still holds (it may hold grants MySQL does not have yet): a reconcile never drops
 *    a winner, and on a conflict the durable record's sequence wins. Revocations are merged the
 *    same way (the record's, then the ledger's); the allowlist is the durable one;
 * 4. restore the merge atomically: the count becomes at least the highest sequence and never
 *    goes down, and the campaign is ready again.
 * Idempotent, and safe when several processes run it at once (each merge is a superset of what
 * any of them read); the claim only keeps them from doing the same work together.
 */
export class ReconcileLedger {
  constructor(
    private readonly campaigns: CampaignRepository,
    private readonly coupons: CouponRepository,
    private readonly failures: FailedIssuanceRepository,
    private readonly ledger: LedgerRecovery,
    private readonly backlog: PersistenceBacklog,
    private readonly clock: Clock,
    private readonly allowlist: Allowlist,
  ) {}

  async execute(campaignId: CampaignId, options: ReconcileOptions = {}): Promise<ReconcileOutcome> {
    const campaign = await this.campaigns.find(campaignId);
    // A draft is not in the ledger: there is nothing to reconcile until it is published.
    if (!campaign || isDraft(campaign)) return { kind: 'unknown-campaign' };
    if (!(await this.ledger.claim(campaignId, RECONCILE_CLAIM_MS))) return { kind: 'busy' };
    try {
      return await this.reconcileClaimed(campaign, options);
    } finally {
      await this.ledger.release(campaignId);
    }
  }

  private async reconcileClaimed(
    campaign: Campaign,
    options: ReconcileOptions,
  ): Promise<ReconcileOutcome> {
    const campaignId = campaign.id;
    await this.ledger.fence(campaignId);
    if (!options.ignoreBacklog) {
      const pending = await this.backlog.pending();
      if (pending > 0) return { kind: 'events-in-flight', pending };
    }

    // The ledger's winners are read AFTER the fence: no grant can be added behind this read.
    const [held, heldRevocations] = await Promise.all([
      this.ledger.winners(campaignId),
      this.ledger.revocations(campaignId),
    ]);
    const merged = new Map<UserId, Coupon>();
    const revocations = new Map<UserId, Revocation>();
    for (const coupon of await this.durableCoupons(campaignId)) {
      if (!merged.has(coupon.userId)) merged.set(coupon.userId, coupon);
      // A revocation parked in failed_issuance counts as much as the row's.
      if (coupon.revoked && !revocations.has(coupon.userId)) {
        revocations.set(coupon.userId, coupon.revoked);
      }
    }
    const fromRecord = [...merged.keys()].filter((userId) => !held.has(userId)).length;
    // A restore keeps only user and sequence; the instant of a grant not yet durable is unknown.
    const now = this.clock.now();
    for (const [userId, sequence] of held) {
      if (!merged.has(userId)) merged.set(userId, { campaignId, userId, sequence, issuedAt: now });
    }
    // A revocation the ledger made and the record does not have yet is kept, like a grant.
    for (const [userId, revocation] of heldRevocations) {
      if (merged.has(userId) && !revocations.has(userId)) revocations.set(userId, revocation);
    }
    const allowlist = await this.durableAllowlist(campaignId);
    await this.ledger.restore(campaign, [...merged.values()], { revocations, allowlist });
    return { kind: 'reconciled', winners: merged.size, fromRecord };
  }

  /** The durable allowlist, whole (the ledger's copy is replaced by it). */
  private async durableAllowlist(campaignId: CampaignId): Promise<UserId[]> {
    const all: UserId[] = [];
    for (let after: UserId | undefined; ;) {
      const page = await this.allowlist.page(campaignId, after, ALLOWLIST_PAGE);
      all.push(...page);
      if (page.length < ALLOWLIST_PAGE) return all;
      after = page.at(-1);
    }
  }

  /** MySQL's coupons of the campaign, then its decodable open failures (granted, not stored). */
  private async durableCoupons(campaignId: CampaignId): Promise<Coupon[]> {
    const all = await campaignCoupons(this.coupons, campaignId);
    for (const failure of await this.failures.listOpen(MAX_FAILURES)) {
      if (failure.campaignId !== campaignId) continue;
      const decoded = decodeCouponIssued(failure.payload);
      if (decoded.ok && decoded.coupon.campaignId === campaignId) all.push(decoded.coupon);
    }
    return all;
  }
}
