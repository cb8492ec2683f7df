import type { Clock } from '../../application/ports/clock.port.ts';
import type { CouponRepository } from '../../application/ports/coupon-repository.port.ts';
import type { Coupon } from '../../domain/coupon.ts';
import type { CampaignId, UserId } from '../../domain/ids.ts';
import type { CouponMetrics } from './coupon-metrics.ts';
import { oldestIssuedAt } from './oldest-issued-at.ts';

/**
 * Consumer metrics: size of each durable write and its lag (how long its oldest coupon waited
 * between the grant and being persisted). Reads pass straight through.
 */
export class MeteredCouponRepository implements CouponRepository {
  constructor(
    private readonly inner: CouponRepository,
    private readonly metrics: CouponMetrics,
    private readonly clock: Clock,
  ) {}

  async saveAll(coupons: readonly Coupon[]): Promise<void> {
    await this.inner.saveAll(coupons);
    const oldest = oldestIssuedAt(coupons);
    if (oldest === undefined) return;
    this.metrics.observeConsumerBatch(coupons.length, (this.clock.now().getTime() - oldest) / 1000);
  }

  find(campaignId: CampaignId, userId: UserId): Promise<Coupon | undefined> {
    return this.inner.find(campaignId, userId);
  }

  countByCampaign(campaignId: CampaignId): Promise<number> {
    return this.inner.countByCampaign(campaignId);
  }

  countAll(): Promise<ReadonlyMap<CampaignId, number>> {
    return this.inner.countAll();
  }

  listByCampaign(campaignId: CampaignId, afterSequence: number, limit: number): Promise<Coupon[]> {
    return this.inner.listByCampaign(campaignId, afterSequence, limit);
  }
}
