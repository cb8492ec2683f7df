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
 * The fast, atomic authority on who got a coupon, as the request path needs it: the apply, the
 * status read and the summary, and the definition of a campaign's rules. Recovery (fence,
 * winners, restore, the reconcile claim) is LedgerRecovery's. Every method throws
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
}
