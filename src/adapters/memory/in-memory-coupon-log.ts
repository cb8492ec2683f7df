import type { CouponPublisher } from '../../application/ports/coupon-publisher.port.ts';
import type { PersistenceBacklog } from '../../application/ports/persistence-backlog.port.ts';
import { encodeCouponIssued } from '../../application/persist/coupon-issued-event.ts';
import type { Coupon } from '../../domain/coupon.ts';

/**
 * A stand-in for the Kafka topic: published events are encoded exactly as on the wire and wait
 * here until the in-memory consumer drains them, so the embedded mode runs the same code path
 * (encode → decode → RecordIssuedCoupons) as production.
 */
export class InMemoryCouponLog implements CouponPublisher, PersistenceBacklog {
  #pending: string[] = [];
  /** Drained by the consumer and not yet settled (persisted, failed or requeued). */
  #inFlight = 0;

  async publish(coupons: readonly Coupon[]): Promise<void> {
    for (const coupon of coupons) this.#pending.push(encodeCouponIssued(coupon));
  }

  /** Takes up to `max` payloads; the caller puts them back with `requeue` if it cannot finish. */
  drain(max: number): string[] {
    const taken = this.#pending.splice(0, max);
    this.#inFlight += taken.length;
    return taken;
  }

  requeue(payloads: readonly string[]): void {
    this.#inFlight -= payloads.length;
    this.#pending.unshift(...payloads);
  }

  /** The consumer persisted (or recorded as failed) `count` drained payloads. */
  settle(count: number): void {
    this.#inFlight -= count;
  }

  async pending(): Promise<number> {
    return this.#pending.length + this.#inFlight;
  }

  get lag(): number {
    return this.#pending.length;
  }
}
