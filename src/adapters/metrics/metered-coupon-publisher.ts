import type { Clock } from '../../application/ports/clock.port.ts';
import type {
  CouponPublisher,
  OutgoingCoupon,
} from '../../application/ports/coupon-publisher.port.ts';
import type { CouponMetrics } from './coupon-metrics.ts';
import { oldestIssuedAt } from './oldest-issued-at.ts';

/**
 * Relay metrics: size of each acknowledged batch and its lag (how long its oldest coupon waited
 * between the grant and the log's acknowledgement). Only acknowledged batches are observed; a
 * failed publish is counted apart (the outbox keeps those coupons and the relay retries).
 */
export class MeteredCouponPublisher implements CouponPublisher {
  constructor(
    private readonly inner: CouponPublisher,
    private readonly metrics: CouponMetrics,
    private readonly clock: Clock,
  ) {}

  async publish(coupons: readonly OutgoingCoupon[]): Promise<void> {
    try {
      await this.inner.publish(coupons);
    } catch (error) {
      this.metrics.recordRelayFailure();
      throw error;
    }
    const oldest = oldestIssuedAt(coupons);
    if (oldest === undefined) return;
    this.metrics.observeRelayBatch(coupons.length, (this.clock.now().getTime() - oldest) / 1000);
  }
}
