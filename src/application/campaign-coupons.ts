import type { Coupon } from '../domain/coupon.ts';
import type { CampaignId } from '../domain/ids.ts';
import type { CouponRepository } from './ports/coupon-repository.port.ts';

/** Rows read per round trip: keyset pages on (campaign_id, sequence). */
const PAGE = 5000;

/** Every stored coupon of the campaign, in sequence order, read page by page. */
export async function campaignCoupons(
  coupons: CouponRepository,
  campaignId: CampaignId,
): Promise<Coupon[]> {
  const all: Coupon[] = [];
  for (let after = 0; ;) {
    const page = await coupons.listByCampaign(campaignId, after, PAGE);
    all.push(...page);
    const last = page.at(-1);
    if (page.length < PAGE || !last) return all;
    after = last.sequence;
  }
}
