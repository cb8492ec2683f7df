import type { CouponPublisher } from '../../application/ports/coupon-publisher.port.ts';
import { encodeCouponIssued } from '../../application/coupon-issued-event.ts';
import type { Coupon } from '../../domain/coupon.ts';

/**
 * A stand-in for the Kafka topic: published events are encoded exactly as on the wire and wait
 * here until the in-memory consumer drains them, so the embedded mode runs the same code path
 * (encode → decode → RecordIssuedCoupons) as production.
 */
export class InMemoryCouponLog implements CouponPublisher {
  #pending: string[] = [];

  async publish(coupons: readonly Coupon[]): Promise<void> {
    for (const coupon of coupons) this.#pending.push(encodeCouponIssued(coupon));
  }

  /** Takes up to `max` payloads; the caller puts them back with `requeue` if it cannot finish. */
  drain(max: number): string[] {
    return this.#pending.splice(0, max);
  }

  requeue(payloads: readonly string[]): void {
    this.#pending.unshift(...payloads);
  }

  get lag(): number {
    return this.#pending.length;
  }
}
