import type { CouponPublisher, OutgoingCoupon } from '../ports/coupon-publisher.port.ts';
import type { IssuanceOutbox, OutboxEntry } from '../ports/issuance-outbox.port.ts';

/**
 * Moves one batch from the outbox to the event log. Entries are acknowledged only after the log
 * acknowledged them, so a crash in between publishes them again (at-least-once; the consumer
 * is idempotent) and never loses them.
 */
export class RelayIssuedCoupons {
  /**
   * A batch this relay took but could not publish or acknowledge. It stays with this relay (the
   * outbox gives it to no one else until the claim time passes) and is retried first, so a Kafka
   * outage costs one backoff, not the claim time. Bounded by one batch.
   */
  #held: readonly OutboxEntry[] = [];

  constructor(
    private readonly outbox: IssuanceOutbox,
    private readonly publisher: CouponPublisher,
  ) {}

  /** Relays up to `max` entries, waiting up to `waitMs` for some; returns how many. */
  async relayBatch(max: number, waitMs: number): Promise<number> {
    const entries = this.#held.length > 0 ? this.#held : await this.outbox.take(max, waitMs);
    if (entries.length === 0) return 0;
    this.#held = entries;
    // Publish first, acknowledge second: a failure in between publishes again (duplicate,
    // harmless), never loses. The held batch is released only when both succeeded.
    await this.publisher.publish(entries.map(outgoing));
    await this.outbox.acknowledge(entries);
    this.#held = [];
    return entries.length;
  }
}

/** The entry's coupon, with its trace when it has one (no copy when it has none). */
function outgoing(entry: OutboxEntry): OutgoingCoupon {
  return entry.trace === undefined ? entry.coupon : { ...entry.coupon, trace: entry.trace };
}
