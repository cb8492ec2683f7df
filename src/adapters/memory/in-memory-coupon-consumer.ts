import type { RecordIssuedCoupons } from '../../application/persist/record-issued-coupons.ts';
import type { InMemoryCouponLog } from './in-memory-coupon-log.ts';

/**
 * Drains the in-memory log into RecordIssuedCoupons, one batch per step: the embedded stand-in
 * for the Kafka consumer. A failed batch goes back to the head of the log (like an uncommitted
 * offset) and the worker loop retries it with backoff.
 */
export class InMemoryCouponConsumer {
  constructor(
    private readonly log: InMemoryCouponLog,
    private readonly record: RecordIssuedCoupons,
    private readonly batchSize = 500,
  ) {}

  async step(): Promise<number> {
    const payloads = this.log.drain(this.batchSize);
    if (payloads.length === 0) return 0;
    try {
      await this.record.execute(payloads);
    } catch (error) {
      this.log.requeue(payloads);
      throw error;
    }
    this.log.settle(payloads.length);
    return payloads.length;
  }
}
