import type { CampaignId } from '../../domain/ids.ts';
import type { Logger } from '../ports/logger.port.ts';

/** Campaigns remembered at once (ids come from the catalog, but bound it anyway). */
const MAX_CAMPAIGNS = 10_000;

/**
 * Logs, once per sell-out, that a campaign sold out and how long after this process's first
 * grant of it: the line an operator looks for at `info`. Again after a grant follows (a raised
 * cap, a returned unit). Two map operations per answer, nothing else on the apply path.
 */
export class SellOutAnnouncer {
  /** campaign → when this process granted its first coupon since the last announcement. */
  readonly #firstGrant = new Map<CampaignId, number>();
  readonly #announced = new Set<CampaignId>();

  constructor(
    private readonly logger: Logger,
    private readonly now: () => number = Date.now,
  ) {}

  granted(campaignId: CampaignId): void {
    if (this.#firstGrant.has(campaignId)) return;
    if (this.#firstGrant.size >= MAX_CAMPAIGNS) this.#firstGrant.clear();
    this.#firstGrant.set(campaignId, this.now());
    this.#announced.delete(campaignId);
  }

  soldOut(campaignId: CampaignId): void {
    if (this.#announced.has(campaignId)) return;
    if (this.#announced.size >= MAX_CAMPAIGNS) this.#announced.clear();
    this.#announced.add(campaignId);
    const first = this.#firstGrant.get(campaignId);
    this.#firstGrant.delete(campaignId);
    const took = first === undefined ? {} : { afterFirstGrantMs: this.now() - first };
    this.logger.info({ campaignId, ...took }, 'campaign sold out');
  }
}
