import type { Campaign } from '../../domain/campaign.ts';
import type { Coupon } from '../../domain/coupon.ts';
import type { CampaignId, UserId } from '../../domain/ids.ts';
import type { Decision } from '../../domain/issuance-policy.ts';

/** A reservation: the policy's decision, with the coupon itself when one was granted. */
export type Reservation =
  | { readonly kind: 'issued'; readonly coupon: Coupon }
  | Exclude<Decision, { kind: 'issued' }>
  /** The ledger holds no rules for this campaign (never defined, or its keys were lost). */
  | { readonly kind: 'unknown-campaign' };

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

  /** The sequence of the user's coupon according to the ledger, or undefined when none. */
  findGrant(campaignId: CampaignId, userId: UserId): Promise<number | undefined>;

  /**
   * The highest sequence granted so far (= coupons granted, unless a restore had a hole), or
   * undefined when the ledger holds no rules for the campaign.
   */
  issuedCount(campaignId: CampaignId): Promise<number | undefined>;

  /**
   * Replaces the campaign's grants with `coupons` (the durable record) and its rules with
   * `campaign`, atomically: used to rebuild a ledger that lost its data. The count becomes the
   * highest restored sequence, so a hole never lets a sequence be reused or the cap be exceeded.
   * Idempotent. Does NOT append to the outbox (these coupons are already persisted).
   */
  restore(campaign: Campaign, coupons: readonly Coupon[]): Promise<void>;
}
