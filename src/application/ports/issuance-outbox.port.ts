import type { Coupon } from '../../domain/coupon.ts';

/** One granted coupon waiting to be published, with the outbox's own handle for acking it. */
export interface OutboxEntry {
  readonly id: string;
  readonly coupon: Coupon;
  /**
   * The trace of the application that granted it (a W3C traceparent), when tracing was on: the
   * relay publishes the coupon within that trace.
   */
  readonly trace?: string;
}

/**
 * Granted coupons not yet handed to the event log, written by the ledger in the same atomic step
 * as the grant. At-least-once: an entry is delivered until acknowledged, so a relay that dies
 * after publishing and before acking publishes it again (the consumer is idempotent).
 */
export interface IssuanceOutbox {
  /**
   * Up to `max` entries for this relay to publish, oldest first: new ones, and ones another relay
   * took but did not acknowledge for a while (it died). Entries this relay took and did not
   * acknowledge stay with it: the caller keeps and retries them. Waits up to `waitMs` when empty.
   * Throws LedgerUnavailableError when the store cannot be reached.
   */
  take(max: number, waitMs: number): Promise<OutboxEntry[]>;

  /** Removes published entries. Acknowledging an unknown or already acked entry is harmless. */
  acknowledge(entries: readonly OutboxEntry[]): Promise<void>;

  /** Entries not yet acknowledged (including taken ones). */
  depth(): Promise<number>;
}
