import type { CampaignRepository } from '../ports/campaign-repository.port.ts';
import type { CouponRepository } from '../ports/coupon-repository.port.ts';
import type { IssuanceLedger } from '../ports/issuance-ledger.port.ts';
import type { Logger } from '../ports/logger.port.ts';
import type { ReconcileRequests } from '../issue/apply-for-coupon.ts';

/**
 * The periodic comparison of every campaign's ledger with the durable record, the safety net
 * behind the ledger's own fence (a new server process is fenced by itself): a ledger that holds
 * fewer grants than MySQL has rows went back in time by some other way (keys deleted or
 * restored by hand). It is reconciled, which fences it first. A ledger that lost the campaign
 * altogether is reconciled too. MySQL behind the ledger is normal (events in flight).
 * One count query per campaign per run.
 */
export class CheckLedgers {
  constructor(
    private readonly campaigns: CampaignRepository,
    private readonly coupons: CouponRepository,
    private readonly ledger: IssuanceLedger,
    private readonly reconciler: ReconcileRequests,
    private readonly logger: Logger,
  ) {}

  /** Returns the campaigns found behind (and asked to be reconciled). */
  async run(): Promise<string[]> {
    const behind: string[] = [];
    for (const campaign of await this.campaigns.list()) {
      const [granted, rows] = await Promise.all([
        this.ledger.issuedCount(campaign.id),
        this.coupons.countByCampaign(campaign.id),
      ]);
      if (granted !== undefined && granted >= rows) continue;
      this.logger.warn(
        { campaignId: campaign.id, ledger: granted ?? 'missing', durable: rows },
        'ledger behind the durable record: fencing and reconciling',
      );
      behind.push(campaign.id);
      this.reconciler.request(campaign.id, 'background');
    }
    return behind;
  }
}
