import type { Coupon } from '../../domain/coupon.ts';
import { decodeCouponIssued, peekIds } from './coupon-issued-event.ts';
import { LedgerUnavailableError, StoreUnavailableError } from '../errors.ts';
import type { CouponRepository } from '../ports/coupon-repository.port.ts';
import type { Clock } from '../ports/clock.port.ts';
import type {
  FailedIssuanceRepository,
  NewFailedIssuance,
} from '../ports/failed-issuance-repository.port.ts';
import type { Logger } from '../ports/logger.port.ts';

export interface RecordResult {
  readonly persisted: number;
  readonly failed: number;
}

/**
 * Persists a batch of CouponIssued events from the log with ONE repository call.
 *
 * - Redelivery is harmless: `saveAll` is idempotent per (campaign, user).
 * - A store outage (StoreUnavailableError), or the persistence marks' store being unreachable
 *   (LedgerUnavailableError, see MarkingCouponRepository), is rethrown untouched: the caller keeps the batch,
 *   backs off and retries, and commits nothing.
 * - Any other failure means some record can never be written as it is (a poison record). The
 *   batch is then split row by row to find it; poison records go to `failed_issuance` and the
 *   rest are persisted, so one bad record never blocks the thousands behind it.
 * - Undecodable payloads go straight to `failed_issuance` with the raw payload.
 * Returns only when every record is either durable or recorded as failed.
 */
export class RecordIssuedCoupons {
  constructor(
    private readonly coupons: CouponRepository,
    private readonly failures: FailedIssuanceRepository,
    private readonly clock: Clock,
    private readonly logger: Logger,
  ) {}

  async execute(payloads: readonly string[]): Promise<RecordResult> {
    const valid: { coupon: Coupon; payload: string }[] = [];
    const failed: NewFailedIssuance[] = [];
    for (const payload of payloads) {
      const decoded = decodeCouponIssued(payload);
      if (decoded.ok) valid.push({ coupon: decoded.coupon, payload });
      else failed.push({ ...peekIds(payload), payload, error: decoded.error, attempts: 1 });
    }
    let persisted = valid.length;
    try {
      if (valid.length > 0) await this.coupons.saveAll(valid.map((v) => v.coupon));
    } catch (error) {
      if (retryable(error)) throw error;
      this.logger.warn({ err: error, size: valid.length }, 'batch insert failed; isolating rows');
      persisted = 0;
      for (const { coupon, payload } of valid) {
        const poison = await this.saveOne(coupon);
        if (poison === undefined) persisted += 1;
        else
          failed.push({
            campaignId: coupon.campaignId,
            userId: coupon.userId,
            payload,
            error: poison,
            attempts: 1,
          });
      }
    }
    if (failed.length > 0) {
      await this.failures.recordAll(failed, this.clock.now());
      this.logger.error({ count: failed.length }, 'coupon events moved to failed_issuance');
    }
    return { persisted, failed: failed.length };
  }

  /** Saves one coupon; returns the error text when it is poison, rethrows outages. */
  private async saveOne(coupon: Coupon): Promise<string | undefined> {
    try {
      await this.coupons.saveAll([coupon]);
      return undefined;
    } catch (error) {
      if (retryable(error)) throw error;
      return error instanceof Error ? error.message : String(error);
    }
  }
}

/** An outage, not a bad record: the whole batch is retried later, nothing is parked. */
function retryable(error: unknown): boolean {
  return error instanceof StoreUnavailableError || error instanceof LedgerUnavailableError;
}
