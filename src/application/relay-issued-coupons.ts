import type { CouponPublisher } from './ports/coupon-publisher.port.ts';
import type { IssuanceOutbox } from './ports/issuance-outbox.port.ts';

/**
 * Moves one batch from the outbox to the event log. Entries are acknowledged only after the log
 * acknowledged them, so a crash in between publishes them again (at-least-once; the consumer
 * is idempotent) and never loses them.
 */
export class RelayIssuedCoupons {
  constructor(
    private readonly outbox: IssuanceOutbox,
    private readonly publisher: CouponPublisher,
  ) {}

  /** Relays up to `max` entries, waiting up to `waitMs` for some; returns how many. */
  async relayBatch(max: number, waitMs: number): Promise<number> {
    const entries = await this.outbox.take(max, waitMs);
    if (entries.length === 0) return 0;
    await this.publisher.publish(entries.map((entry) => entry.coupon));
    await this.outbox.acknowledge(entries);
    return entries.length;
  }
}
