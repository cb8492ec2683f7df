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
  /** `campaign\0sequence` → the user holding it (the second unique key). */
  readonly #holders = new Map<string, UserId>();

  constructor(private readonly campaigns: CampaignRepository) {}

  async saveAll(coupons: readonly Coupon[]): Promise<void> {
    // All or nothing, like one multi-row INSERT in a transaction.
    for (const coupon of coupons) {
      if (!(await this.campaigns.find(coupon.campaignId))) {
        throw new Error(`coupon refers to unknown campaign ${coupon.campaignId}`);
      }
    }
    // UNIQUE (campaign, sequence): a sequence another user holds is refused, never merged.
    const claimed = new Map<string, UserId>();
    for (const coupon of coupons) {
      if (this.#rows.get(coupon.campaignId)?.has(coupon.userId)) continue; // a no-op below
      const key = `${coupon.campaignId}\u0000${coupon.sequence}`;
      const holder = this.#holders.get(key) ?? claimed.get(key);
      if (holder !== undefined && holder !== coupon.userId) {
        throw new Error(
          `SEQUENCE_CONFLICT: campaign ${coupon.campaignId}: sequence ${coupon.sequence} is already held by user ${holder}`,
        );
      }
      claimed.set(key, coupon.userId);
    }
    for (const coupon of coupons) {
      let campaign = this.#rows.get(coupon.campaignId);
      if (!campaign) this.#rows.set(coupon.campaignId, (campaign = new Map<UserId, Coupon>()));
      // An existing (campaign, user) row counts as done, exactly like ON DUPLICATE KEY no-op,
      // except that a revocation marks it (the first one is kept).
      const stored = campaign.get(coupon.userId);
      if (stored) {
        if (coupon.revoked && !stored.revoked) {
          campaign.set(coupon.userId, { ...stored, revoked: coupon.revoked });
        }
        continue;
      }
      campaign.set(coupon.userId, coupon);
      this.#holders.set(`${coupon.campaignId}\u0000${coupon.sequence}`, coupon.userId);
    }
  }

  async find(campaignId: CampaignId, userId: UserId): Promise<Coupon | undefined> {
    return this.#rows.get(campaignId)?.get(userId);
  }

  async countByCampaign(campaignId: CampaignId): Promise<number> {
    return this.#rows.get(campaignId)?.size ?? 0;
  }

  async countByCampaigns(
    campaignIds: readonly CampaignId[],
  ): Promise<ReadonlyMap<CampaignId, number>> {
    return new Map(
      campaignIds.flatMap((id) => {
        const size = this.#rows.get(id)?.size ?? 0;
        return size > 0 ? [[id, size] as const] : [];
      }),
    );
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
