import type { Coupon } from '../../domain/coupon.ts';
import type { CampaignId, UserId } from '../../domain/ids.ts';

/** What the marks say of one user: durable (with the coupon), not durable, or "I do not know". */
export type MarkLookup =
  | { readonly kind: 'persisted'; readonly coupon: Coupon }
  | { readonly kind: 'absent' }
  /** The campaign's marks are not known to be complete (never seeded, lost, or older). */
  | { readonly kind: 'incomplete' };

/**
 * Which coupons are durable, kept where the API reads it cheaply (next to the ledger), so that
 * `persisted` never costs a database query per request.
 *
 * Marks only ever say what the durable record holds: the writer marks a coupon after its row
 * committed (a crash in between leaves the event uncommitted in the log, so the redelivery marks
 * it), marking is idempotent per (campaign, user) so a redelivery never counts twice, and a
 * campaign's marks count as complete only while the store that holds them is the one that was
 * seeded from the durable record (a restart, a failover or a flush makes them `incomplete`).
 */
export interface PersistenceMarks {
  /** Records the coupons as durable. Idempotent. Call only after their rows committed. */
  mark(coupons: readonly Coupon[]): Promise<void>;

  lookup(campaignId: CampaignId, userId: UserId): Promise<MarkLookup>;

  /** Durable coupons of the campaign; undefined while the marks are incomplete. */
  count(campaignId: CampaignId): Promise<number | undefined>;

  /**
   * Starts a seed: returns a token naming the marks' current store. Read the durable record
   * AFTER this call, then pass it to `completeSeed`.
   */
  beginSeed(campaignId: CampaignId): Promise<string>;

  /**
   * Marks `coupons` and declares the campaign's marks complete, unless the store changed since
   * `beginSeed` (then returns false and they stay incomplete). Every row committed after the
   * read is marked by its writer, so the union is exact.
   */
  completeSeed(campaignId: CampaignId, coupons: readonly Coupon[], token: string): Promise<boolean>;
}
