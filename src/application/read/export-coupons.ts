import type { Coupon } from '../../domain/coupon.ts';
import type { CampaignId } from '../../domain/ids.ts';
import type { CouponRepository } from '../ports/coupon-repository.port.ts';

/** Rows read per query while exporting. */
const PAGE = 5000;

/**
 * A campaign's winners as the durable record holds them, revocations included, in sequence
 * order, one page at a time (a million winners never sit in memory at once). Coupons still on
 * their way to MySQL are not in it yet: the summary's `persisted` against `issued` says how many.
 */
export class ExportCoupons {
  constructor(private readonly coupons: CouponRepository) {}

  async *pages(campaignId: CampaignId): AsyncGenerator<Coupon[]> {
    for (let after = 0; ;) {
      const page = await this.coupons.listByCampaign(campaignId, after, PAGE);
      if (page.length > 0) yield page;
      if (page.length < PAGE) return;
      after = page.at(-1)!.sequence;
    }
  }
}
