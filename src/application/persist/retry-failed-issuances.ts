import { decodeCouponIssued, isUntrustedFailure } from './coupon-issued-event.ts';
import { StoreUnavailableError } from '../errors.ts';
import type { Clock } from '../ports/clock.port.ts';
import type { CouponRepository } from '../ports/coupon-repository.port.ts';
import type { FailedIssuanceRepository } from '../ports/failed-issuance-repository.port.ts';

export interface RetryReport {
  readonly resolved: number;
  readonly stillFailing: number;
}

/**
 * Replays open `failed_issuance` rows through the same idempotent `saveAll`: a row already stored
 * counts as done, so replaying twice is harmless. A row that fails again stays open with its
 * attempt count raised. A store outage stops the run (nothing is marked).
 */
export class RetryFailedIssuances {
  constructor(
    private readonly failures: FailedIssuanceRepository,
    private readonly coupons: CouponRepository,
    private readonly clock: Clock,
  ) {}

  async execute(limit = 10_000): Promise<RetryReport> {
    let resolved = 0;
    let stillFailing = 0;
    for (const failure of await this.failures.listOpen(limit)) {
      // A forged or unsigned event is not a coupon that failed to land: replaying it would
      // create the row its missing signature refused (G4). It stays open for an operator.
      if (isUntrustedFailure(failure.error)) {
        stillFailing += 1;
        continue;
      }
      const decoded = decodeCouponIssued(failure.payload);
      let error: string | undefined = decoded.ok ? undefined : decoded.error;
      if (decoded.ok) {
        try {
          await this.coupons.saveAll([decoded.coupon]);
        } catch (cause) {
          if (cause instanceof StoreUnavailableError) throw cause;
          error = cause instanceof Error ? cause.message : String(cause);
        }
      }
      if (error === undefined) {
        await this.failures.markResolved(failure.id, this.clock.now());
        resolved += 1;
      } else {
        await this.failures.markAttempted(failure.id, error, this.clock.now());
        stillFailing += 1;
      }
    }
    return { resolved, stillFailing };
  }
}
