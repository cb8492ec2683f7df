import { isDraft, type Campaign } from '../../domain/campaign.ts';
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
 * count, and a read of it reconciles it on demand; a draft is not in the ledger at all. Both sides
 * are read in bulk, never one query per campaign: the rows in ONE grouped query, the grants in as
 * few ledger round trips as the adapter allows.
 *
 * A campaign the last comparison found sold out (its ledger at its catalog quantity or past it,
 * and not behind) is compared on every SOLD_OUT_EVERY-th check only: a finished drop without an
 * end date would otherwise cost the ledger a read per campaign per check forever, and the catalog
 * keeps every drop ever run (issue 28's idle target). What this check guards against there, a
 * ledger set back by hand on the same server, is then found within SOLD_OUT_EVERY checks instead
 * of one; a restart, a failover or a flush is the ledger's own fence's to find, at once. A raised
 * quantity makes the campaign unsold again, and it is compared on the next check.
 */
export class CheckLedgers {
  /** Checks between two comparisons of a campaign found sold out (with the default 15 s: 150 s). */
  static readonly SOLD_OUT_EVERY = 10;
  /** Campaigns found sold out: the check that found them so, and their ledger's count then. */
  readonly #soldOut = new Map<string, { readonly check: number; readonly granted: number }>();
  #checks = 0;

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
    const check = (this.#checks += 1);
    const live = (await this.campaigns.list()).filter(
      (campaign) =>
        !isDraft(campaign) &&
        (campaign.endsAt === undefined || campaign.endsAt.getTime() > now) &&
        !this.#restingSoldOut(campaign, check),
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
      if (granted !== undefined && granted >= durable) {
        if (granted >= campaign.totalQuantity) this.#soldOut.set(campaign.id, { check, granted });
        else this.#soldOut.delete(campaign.id);
        continue;
      }
      this.#soldOut.delete(campaign.id);
      this.logger.warn(
        { campaignId: campaign.id, ledger: granted ?? 'missing', durable },
        'ledger behind the durable record: fencing and reconciling',
      );
      behind.push(campaign.id);
      this.reconciler.request(campaign.id, 'background');
    }
    return behind;
  }

  /** Whether a campaign found sold out waits for its next comparison (see the class comment). */
  #restingSoldOut(campaign: Campaign, check: number): boolean {
    const found = this.#soldOut.get(campaign.id);
    return (
      found !== undefined &&
      found.granted >= campaign.totalQuantity &&
      check - found.check < CheckLedgers.SOLD_OUT_EVERY
    );
  }
}
