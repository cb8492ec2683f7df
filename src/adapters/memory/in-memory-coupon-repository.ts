import type { CampaignRepository } from '../../application/ports/campaign-repository.port.ts';
import type { CouponRepository } from '../../application/ports/coupon-repository.port.ts';
import type { Coupon } from '../../domain/coupon.ts';
import type { CampaignId, UserId } from '../../domain/ids.ts';

/**
 * Rows keyed by (campaign, user), the same unique key the MySQL table has, and the same
 * foreign key: a coupon of a campaign that does not exist is refused (a poison record).
 */
export class InMemoryCouponRepository implements CouponRepository {
  readonly #rows = new Map<CampaignId, Map<UserId, Coupon>>();

  constructor(private readonly campaigns: CampaignRepository) {}

  async saveAll(coupons: readonly Coupon[]): Promise<void> {
    // All or nothing, like one multi-row INSERT in a transaction.
    for (const coupon of coupons) {
      if (!(await this.campaigns.find(coupon.campaignId))) {
        throw new Error(`coupon refers to unknown campaign ${coupon.campaignId}`);
      }
    }
    for (const coupon of coupons) {
      let campaign = this.#rows.get(coupon.campaignId);
      if (!campaign) this.#rows.set(coupon.campaignId, (campaign = new Map<UserId, Coupon>()));
      // An existing (campaign, user) row counts as done, exactly like ON DUPLICATE KEY no-op.
      if (!campaign.has(coupon.userId)) campaign.set(coupon.userId, coupon);
    }
  }

  async find(campaignId: CampaignId, userId: UserId): Promise<Coupon | undefined> {
    return this.#rows.get(campaignId)?.get(userId);
  }

  async countByCampaign(campaignId: CampaignId): Promise<number> {
    return this.#rows.get(campaignId)?.size ?? 0;
  }

  async listByCampaign(
    campaignId: CampaignId,
    afterSequence: number,
    limit: number,
  ): Promise<Coupon[]> {
    const rows = [...(this.#rows.get(campaignId)?.values() ?? [])];
    return rows
      .filter((coupon) => coupon.sequence > afterSequence)
      .sort((a, b) => a.sequence - b.sequence)
      .slice(0, limit);
  }
}
