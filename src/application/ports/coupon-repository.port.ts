import type { Coupon } from '../../domain/coupon.ts';
import type { CampaignId, UserId } from '../../domain/ids.ts';

/** The durable record of granted coupons (MySQL in production). */
export interface CouponRepository {
  /**
   * Persists all coupons in one write. Idempotent: a coupon whose (campaign, user) is already
   * stored counts as done, except that a coupon carrying a revocation marks the stored one revoked
   * (the first revocation is kept). Throws StoreUnavailableError when the store cannot be reached (retry
   * later); any other error means some coupon in the batch can never be written as it is.
   */
  saveAll(coupons: readonly Coupon[]): Promise<void>;

  find(campaignId: CampaignId, userId: UserId): Promise<Coupon | undefined>;

  countByCampaign(campaignId: CampaignId): Promise<number>;

  /**
   * Coupons per campaign of `campaignIds`, in ONE read (a grouped count over their keys only);
   * a campaign without coupons is absent from the map.
   */
  countByCampaigns(campaignIds: readonly CampaignId[]): Promise<ReadonlyMap<CampaignId, number>>;

  /**
   * Coupons of the campaign in sequence order, after `afterSequence`, at most `limit`, each with
   * its revocation when it was revoked.
   */
  listByCampaign(campaignId: CampaignId, afterSequence: number, limit: number): Promise<Coupon[]>;
}
