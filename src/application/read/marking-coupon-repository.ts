import type { Coupon } from '../../domain/coupon.ts';
import { CouponRepositoryDecorator } from '../coupon-repository-decorator.ts';
import type { CouponRepository } from '../ports/coupon-repository.port.ts';
import type { PersistenceMarks } from '../ports/persistence-marks.port.ts';

/**
 * Every write to the durable record also marks its coupons as persisted, AFTER the write
 * committed (a mark never runs ahead of the record). A mark that fails fails the save: the
 * caller retries it (the consumer keeps the batch uncommitted in the log, retry-failed keeps the
 * failure open), the repeated insert is a no-op and the repeated mark lands. So the marks catch
 * up with every row, whoever wrote it (consumer, retry-failed).
 */
export class MarkingCouponRepository extends CouponRepositoryDecorator {
  constructor(
    inner: CouponRepository,
    private readonly marks: PersistenceMarks,
  ) {
    super(inner);
  }

  async saveAll(coupons: readonly Coupon[]): Promise<void> {
    await this.inner.saveAll(coupons);
    if (coupons.length > 0) await this.marks.mark(coupons);
  }
}
