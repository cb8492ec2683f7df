import { isDraft } from '../../domain/campaign.ts';
import type { CampaignRepository } from '../ports/campaign-repository.port.ts';
import type { Clock } from '../ports/clock.port.ts';
import type { CouponRepository } from '../ports/coupon-repository.port.ts';
import type { LedgerRecovery } from '../ports/ledger-recovery.port.ts';
import type { Logger } from '../ports/logger.port.ts';
import type { ReconcileRequests } from '../issue/apply-for-coupon.ts';

/**
 * The periodic comparison of the ledger with the durable record, the safety net behind the
 * ledger's own fence (a new server process is fenced by itself): a ledger that holds fewer grants
 * than MySQL has rows went back in time by some other way (keys deleted or restored by hand). It
 * is reconciled, which fences it first. A ledger that lost the campaign altogether is reconciled
 * too. MySQL behind the ledger is normal (events in flight).
 *
 * Only campaigns that can still grant are compared: an ended campaign answers CLOSED whatever its
 * count, and a read of it reconciles it on demand; a draft is not in the ledger at all. Both sides are read in bulk, never one query
 * per campaign: the rows in ONE grouped query, the grants in as few ledger round trips as the
 * adapter allows, so the catalog's size costs next to nothing.
 */
export class CheckLedgers {
  constructor(
    private readonly campaigns: CampaignRepository,
    private readonly coupons: CouponRepository,
    private readonly ledger: LedgerRecovery,
    private readonly reconciler: ReconcileRequests,
    private readonly clock: Clock,
    private readonly logger: Logger,
  ) {}

  /** Returns the campaigns found behind (and asked to be reconciled). */
  async run(): Promise<string[]> {
    const now = this.clock.now().getTime();
    const live = (await this.campaigns.list()).filter(
      (campaign) =>
        !isDraft(campaign) && (campaign.endsAt === undefined || campaign.endsAt.getTime() > now),
    );
    if (live.length === 0) return [];
    const ids = live.map((campaign) => campaign.id);
    const [rows, grants] = await Promise.all([
      this.coupons.countByCampaigns(ids),
      this.ledger.issuedCounts(ids),
    ]);
    const behind: string[] = [];
    for (const campaign of live) {
      const granted = grants.get(campaign.id);
      const durable = rows.get(campaign.id) ?? 0;
      if (granted !== undefined && granted >= durable) continue;
      this.logger.warn(
        { campaignId: campaign.id, ledger: granted ?? 'missing', durable },
        'ledger behind the durable record: fencing and reconciling',
      );
      behind.push(campaign.id);
      this.reconciler.request(campaign.id, 'background');
    }
    return behind;
  }
}
