import type { Coupon } from '../domain/coupon.ts';
import type { CampaignId } from '../domain/ids.ts';
import type { CampaignRepository } from './ports/campaign-repository.port.ts';
import type { CouponRepository } from './ports/coupon-repository.port.ts';
import type { IssuanceLedger } from './ports/issuance-ledger.port.ts';

const PAGE = 5000;

export type RebuildOutcome =
  { readonly kind: 'rebuilt'; readonly coupons: number } | { readonly kind: 'unknown-campaign' };

/**
 * Restores a campaign's ledger (rules, winners, count, sequence) from the durable record after the
 * ledger lost its data. Run it once the consumer has drained the log, so every grant that reached
 * the log is in the durable record. Idempotent: running it twice gives the same ledger.
 */
export class RebuildLedger {
  constructor(
    private readonly campaigns: CampaignRepository,
    private readonly coupons: CouponRepository,
    private readonly ledger: IssuanceLedger,
  ) {}

  async execute(campaignId: CampaignId): Promise<RebuildOutcome> {
    const campaign = await this.campaigns.find(campaignId);
    if (!campaign) return { kind: 'unknown-campaign' };
    const all: Coupon[] = [];
    for (let after = 0; ;) {
      const page = await this.coupons.listByCampaign(campaignId, after, PAGE);
      all.push(...page);
      const last = page.at(-1);
      if (page.length < PAGE || !last) break;
      after = last.sequence;
    }
    await this.ledger.restore(campaign, all);
    return { kind: 'rebuilt', coupons: all.length };
  }
}
