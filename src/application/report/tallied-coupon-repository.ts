import type { Coupon } from '../../domain/coupon.ts';
import { CouponRepositoryDecorator } from '../coupon-repository-decorator.ts';
import type { Clock } from '../ports/clock.port.ts';
import type { CouponRepository } from '../ports/coupon-repository.port.ts';
import type { ReportTally } from './report-tally.ts';

/**
 * Measures the grant → row delay of every coupon where it is decided: right after its write
 * returned (the row is durable then), as `now - issuedAt`, into the report's fixed buckets. A
 * redelivered coupon is measured again, later: the delay then includes the redelivery, which is
 * what its holder waited for. Reads pass straight through.
 */
export class TalliedCouponRepository extends CouponRepositoryDecorator {
  constructor(
    inner: CouponRepository,
    private readonly tally: ReportTally,
    private readonly clock: Clock,
  ) {
    super(inner);
  }

  async saveAll(coupons: readonly Coupon[]): Promise<void> {
    await this.inner.saveAll(coupons);
    this.tally.persisted(coupons, this.clock.now());
  }
}
