import { CouponRepositoryDecorator } from '../../application/coupon-repository-decorator.ts';
import type { Clock } from '../../application/ports/clock.port.ts';
import type { CouponRepository } from '../../application/ports/coupon-repository.port.ts';
import type { Coupon } from '../../domain/coupon.ts';
import type { CouponMetrics } from './coupon-metrics.ts';
import { oldestIssuedAt } from './oldest-issued-at.ts';

/**
 * Consumer metrics: size of each durable write and its lag (how long its oldest coupon waited
 * between the grant and being persisted). Reads pass straight through.
 */
export class MeteredCouponRepository extends CouponRepositoryDecorator {
  constructor(
    inner: CouponRepository,
    private readonly metrics: CouponMetrics,
    private readonly clock: Clock,
  ) {
    super(inner);
  }

  async saveAll(coupons: readonly Coupon[]): Promise<void> {
    await this.inner.saveAll(coupons);
    const oldest = oldestIssuedAt(coupons);
    if (oldest === undefined) return;
    this.metrics.observeConsumerBatch(coupons.length, (this.clock.now().getTime() - oldest) / 1000);
  }
}
