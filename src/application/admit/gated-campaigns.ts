import type { Campaign } from '../../domain/campaign.ts';
import type { CampaignId } from '../../domain/ids.ts';
import type { CampaignRepository } from '../ports/campaign-repository.port.ts';
import type { IssuanceLedger } from '../ports/issuance-ledger.port.ts';
import { SingleFlightCache } from '../read/single-flight.ts';

/**
 * The campaigns as the proof-of-work gate must see them: from the catalog in process memory,
 * and exact for a campaign another process has just published.
 *
 * The catalog is re-read once a second, so for up to a second after a campaign is created through
 * another api process this one does not know it, while the ledger may already grant it. Letting
 * such an application through ungated was a hole (the e2e test found grants without a solution in
 * the first second of a gated campaign). So a campaign the catalog does not know is asked of the
 * ledger: if the ledger does not know it either, it cannot be granted (unknown, or a draft), and
 * the caller answers so without reserving; if the ledger knows it, the catalog is behind and the
 * campaign is read from the durable store. That read starts after the ledger knew the campaign,
 * so after its publication, so after its creation with its gate: it sees the gate. It is shared
 * by concurrent callers and reused for the catalog's own refresh period, so the window costs one
 * query per campaign per period, and a flood of unknown ids costs one ledger read each, never a
 * MySQL query.
 */
export class GatedCampaigns {
  readonly #behindCatalog: SingleFlightCache<CampaignId, Campaign | undefined>;

  constructor(
    private readonly catalog: CampaignRepository,
    private readonly durable: CampaignRepository,
    private readonly ledger: Pick<IssuanceLedger, 'tally'>,
    options: { readonly ttlMs: number },
  ) {
    this.#behindCatalog = new SingleFlightCache({
      ttlMs: () => options.ttlMs,
      failureTtlMs: Math.min(options.ttlMs, 250),
      maxEntries: 1_000,
    });
  }

  /** The campaign, a draft included; undefined when applicants cannot be granted it now. */
  async find(campaignId: CampaignId): Promise<Campaign | undefined> {
    const known = await this.catalog.find(campaignId);
    if (known) return known;
    if ((await this.ledger.tally(campaignId)) === undefined) return undefined;
    return this.#behindCatalog.get(campaignId, () => this.durable.find(campaignId));
  }
}
