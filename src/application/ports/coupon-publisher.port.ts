import type { Coupon } from '../../domain/coupon.ts';

/**
 * A granted coupon on its way to the event log, with the trace of the application that granted
 * it (a W3C traceparent) when tracing was on: the log carries it beside the event (never inside
 * it: the event's bytes and signature stay what they were).
 */
export type OutgoingCoupon = Coupon & { readonly trace?: string };

/** Hands granted coupons to the durable event log, many per call. */
export interface CouponPublisher {
  /**
   * Resolves only when the log acknowledged every coupon (durably, to all in-sync replicas);
   * throws PublisherUnavailableError otherwise, in which case any subset may have been written
   * (the caller retries all of them; the consumer is idempotent).
   */
  publish(coupons: readonly OutgoingCoupon[]): Promise<void>;
}
