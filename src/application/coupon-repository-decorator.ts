import type { Coupon } from '../domain/coupon.ts';
import type { CampaignId, UserId } from '../domain/ids.ts';
import type { CouponRepository } from './ports/coupon-repository.port.ts';

/**
 * A decorator of the coupon store that adds to its write: the reads pass straight through to
 * `inner`, and a subclass says what `saveAll` does besides (marking the coupons as persisted,
 * metering the write). Written once, so every decorator forwards every read.
 */
export abstract class CouponRepositoryDecorator implements CouponRepository {
  constructor(protected readonly inner: CouponRepository) {}

  abstract saveAll(coupons: readonly Coupon[]): Promise<void>;

  find(campaignId: CampaignId, userId: UserId): Promise<Coupon | undefined> {
    return this.inner.find(campaignId, userId);
  }

  countByCampaign(campaignId: CampaignId): Promise<number> {
    return this.inner.countByCampaign(campaignId);
  }

  countByCampaigns(campaignIds: readonly CampaignId[]): Promise<ReadonlyMap<CampaignId, number>> {
    return this.inner.countByCampaigns(campaignIds);
  }

  listByCampaign(campaignId: CampaignId, afterSequence: number, limit: number): Promise<Coupon[]> {
    return this.inner.listByCampaign(campaignId, afterSequence, limit);
  }
}
