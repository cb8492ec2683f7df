import type { Campaign } from '../../domain/campaign.ts';
import type { Coupon } from '../../domain/coupon.ts';
import type { CampaignId, UserId } from '../../domain/ids.ts';
import type { Decision } from '../../domain/issuance-policy.ts';

/** A reservation: the policy's decision, with the coupon itself when one was granted. */
export type Reservation =
  | { readonly kind: 'issued'; readonly coupon: Coupon }
  | Exclude<Decision, { kind: 'issued' }>
  /** The ledger holds no rules for this campaign (never defined, or its keys were lost). */
  | { readonly kind: 'unknown-campaign' }
  /**
   * The ledger holds the campaign but has not been reconciled with the durable record since it
   * (re)started, failed over or was fenced: it may be older than what it acknowledged, so it
   * decides nothing until a restore (G1, G5).
   */
  | { readonly kind: 'not-ready' };

/** What the ledger says of one user, read in one atomic step with the campaign's readiness. */
export type GrantLookup =
  | {
      readonly kind: 'granted';
      readonly sequence: number;
      /** When it was granted; undefined when the ledger no longer knows (restored, sharded). */
      readonly issuedAt?: Date;
    }
  | { readonly kind: 'none' }
  | { readonly kind: 'unknown-campaign' }
  | { readonly kind: 'not-ready' };

/**
 * Which layout holds a campaign: this adapter's own (plain, or sharded with this process's
 * LEDGER_SHARDS mode), the other one, or none (never defined, or lost).
 */
export type LedgerLayout = 'own' | 'other' | 'none';

/**
 * The fast, atomic authority on who got a coupon. Every method throws
 * LedgerUnavailableError when the ledger cannot be reached; it never guesses.
 */
export interface IssuanceLedger {
  /**
   * Stores the campaign's rules so that `reserve` needs nothing else. Idempotent: defining the
   * same campaign again replaces its rules but keeps its grants.
   */
  define(campaign: Campaign): Promise<void>;

  /**
   * Decides one application in ONE atomic step: dedupe, window, cap and sequence, and on a grant
   * appends the coupon to the outbox in the same step (so a grant is never without its event).
   * Never exceeds totalQuantity; at most one grant per (campaign, user), whatever the concurrency.
   */
  reserve(campaignId: CampaignId, userId: UserId, now: Date): Promise<Reservation>;

  /**
   * The user's coupon according to the ledger. `none` is an answer only from a ready ledger: a
   * fenced one says `not-ready`, since it may have forgotten the grant.
   */
  findGrant(campaignId: CampaignId, userId: UserId): Promise<GrantLookup>;

  /**
   * The highest sequence granted so far (= coupons granted, unless a restore had a hole), or
   * undefined when the ledger holds no rules for the campaign.
   */
  issuedCount(campaignId: CampaignId): Promise<number | undefined>;

  /**
   * Replaces the campaign's grants with `coupons` and its rules with `campaign`, atomically, and
   * makes the campaign ready again. The caller passes the MERGE of the durable record and
   * `winners()` (a restore must never drop a grant the ledger made). The count becomes at least
   * the highest restored sequence and never goes below the ledger's own, so a hole never lets a
   * sequence be reused or the cap be exceeded. The other layout's keys of the campaign are
   * removed in the same step (one live ledger per campaign). Idempotent. Does NOT append to the
   * outbox (these coupons are persisted or already on their way).
   */
  restore(campaign: Campaign, coupons: readonly Coupon[]): Promise<void>;

  /**
   * Every grant the ledger holds for the campaign, in either layout, ready or not: what a
   * reconciliation must keep. userId → sequence.
   */
  winners(campaignId: CampaignId): Promise<ReadonlyMap<UserId, number>>;

  /**
   * Stops the campaign deciding (reserve and findGrant answer `not-ready`) in every layout,
   * until the next restore. Idempotent.
   */
  fence(campaignId: CampaignId): Promise<void>;

  /** Which layout holds the campaign (see LedgerLayout). */
  layout(campaignId: CampaignId): Promise<LedgerLayout>;

  /**
   * Claims the right to reconcile the campaign for `ttlMs` across every process sharing the
   * ledger; false when another holder has it. A claim lapses by itself (a crashed holder).
   */
  claimReconcile(campaignId: CampaignId, ttlMs: number): Promise<boolean>;

  /** Gives a claim back before it lapses (the reconciliation is over, whatever its outcome). */
  releaseReconcile(campaignId: CampaignId): Promise<void>;
}
