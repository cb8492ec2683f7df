import type { Coupon } from '../../domain/coupon.ts';

/** Hands granted coupons to the durable event log, many per call. */
export interface CouponPublisher {
  /**
   * Resolves only when the log acknowledged every coupon (durably, to all in-sync replicas);
   * throws PublisherUnavailableError otherwise, in which case any subset may have been written
   * (the caller retries all of them; the consumer is idempotent).
   */
  publish(coupons: readonly Coupon[]): Promise<void>;
}
