import type { Campaign } from '../../domain/campaign.ts';
import type { CampaignId } from '../../domain/ids.ts';
import type { CampaignRepository } from '../ports/campaign-repository.port.ts';
import type { IssuanceLedger } from '../ports/issuance-ledger.port.ts';
import type { PersistedRecord } from './persisted-record.ts';

export interface CampaignSummary {
  readonly campaign: Campaign;
  /** Granted by the ledger; undefined when the ledger lost the campaign (LEDGER_NOT_READY). */
  readonly issued: number | undefined;
  readonly remaining: number | undefined;
  /** Rows in the durable store; lags `issued` while events are in flight. */
  readonly persisted: number;
}

/**
 * A campaign's live counts without a database query per request: the definition from the cached
 * catalog, `issued` from the ledger (or the settled copy in memory), `persisted` from the
 * persistence marks (the record only when they are incomplete, cached, see PersistedRecord).
 */
export class GetCampaignSummary {
  constructor(
    private readonly campaigns: CampaignRepository,
    private readonly ledger: IssuanceLedger,
    private readonly record: PersistedRecord,
  ) {}

  async execute(campaignId: CampaignId): Promise<CampaignSummary | undefined> {
    const campaign = await this.campaigns.find(campaignId);
    return campaign ? this.summarize(campaign) : undefined;
  }

  /** The live counts of many campaigns the caller holds (the list): one grouped fallback read. */
  async summarizeAll(campaigns: readonly Campaign[]): Promise<CampaignSummary[]> {
    const [issued, persisted] = await Promise.all([
      Promise.all(campaigns.map((campaign) => this.ledger.issuedCount(campaign.id))),
      this.record.counts(campaigns.map((campaign) => campaign.id)),
    ]);
    return campaigns.map((campaign, i) => summaryOf(campaign, issued[i], persisted[i] ?? 0));
  }

  /** The live counts of a campaign the caller already holds (no second lookup). */
  async summarize(campaign: Campaign): Promise<CampaignSummary> {
    const [issued, persisted] = await Promise.all([
      this.ledger.issuedCount(campaign.id),
      this.record.count(campaign.id),
    ]);
    return summaryOf(campaign, issued, persisted);
  }
}

function summaryOf(
  campaign: Campaign,
  issued: number | undefined,
  persisted: number,
): CampaignSummary {
  const remaining = issued === undefined ? undefined : campaign.totalQuantity - issued;
  return { campaign, issued, remaining, persisted };
}
