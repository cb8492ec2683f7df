import { isDraft, phaseOf, type Campaign, type CampaignPhase } from '../../domain/campaign.ts';
import type { CampaignId } from '../../domain/ids.ts';
import type { CampaignRepository } from '../ports/campaign-repository.port.ts';
import type { Clock } from '../ports/clock.port.ts';
import type { IssuanceLedger, LedgerTally } from '../ports/issuance-ledger.port.ts';
import type { PersistedRecord } from './persisted-record.ts';

export interface CampaignSummary {
  readonly campaign: Campaign;
  /** Where the campaign is in its life, now. */
  readonly phase: CampaignPhase;
  /** Granted by the ledger; undefined when the ledger lost the campaign (LEDGER_NOT_READY). */
  readonly issued: number | undefined;
  /** Revoked since, and how many of those units went back to stock (with `issued`). */
  readonly revoked: number | undefined;
  readonly returned: number | undefined;
  /** Coupons still valid: issued minus revoked. */
  readonly active: number | undefined;
  /** Units left to grant: total minus (issued minus returned). */
  readonly remaining: number | undefined;
  /** Rows in the durable store; lags `issued` while events are in flight. */
  readonly persisted: number;
}

/**
 * A campaign's live counts without a database query per request: the definition from the cached
 * catalog, the counts from the ledger (or the settled copy in memory), `persisted` from the
 * persistence marks (the record only when they are incomplete, cached, see PersistedRecord). A
 * draft is invisible here unless asked for (the admin's view): it is not in the ledger yet.
 */
export class GetCampaignSummary {
  constructor(
    private readonly campaigns: CampaignRepository,
    private readonly ledger: IssuanceLedger,
    private readonly record: PersistedRecord,
    private readonly clock: Clock,
  ) {}

  async execute(
    campaignId: CampaignId,
    options: { readonly includeDrafts?: boolean } = {},
  ): Promise<CampaignSummary | undefined> {
    const campaign = await this.campaigns.find(campaignId);
    if (!campaign || (isDraft(campaign) && !options.includeDrafts)) return undefined;
    return this.summarize(campaign);
  }

  /** The live counts of many campaigns the caller holds (the list): one grouped fallback read. */
  async summarizeAll(campaigns: readonly Campaign[]): Promise<CampaignSummary[]> {
    const [tallies, persisted] = await Promise.all([
      Promise.all(campaigns.map((campaign) => this.tallyOf(campaign))),
      this.record.counts(campaigns.map((campaign) => campaign.id)),
    ]);
    return campaigns.map((campaign, i) => this.summaryOf(campaign, tallies[i], persisted[i] ?? 0));
  }

  /** The live counts of a campaign the caller already holds (no second lookup). */
  async summarize(campaign: Campaign): Promise<CampaignSummary> {
    const [tally, persisted] = await Promise.all([
      this.tallyOf(campaign),
      this.record.count(campaign.id),
    ]);
    return this.summaryOf(campaign, tally, persisted);
  }

  /** A draft is not in the ledger: nothing handed out, by definition. */
  private tallyOf(campaign: Campaign): Promise<LedgerTally | undefined> {
    return isDraft(campaign)
      ? Promise.resolve({ issued: 0, revoked: 0, returned: 0 })
      : this.ledger.tally(campaign.id);
  }

  private summaryOf(
    campaign: Campaign,
    tally: LedgerTally | undefined,
    persisted: number,
  ): CampaignSummary {
    return {
      campaign,
      phase: phaseOf(campaign, this.clock.now()),
      issued: tally?.issued,
      revoked: tally?.revoked,
      returned: tally?.returned,
      active: tally === undefined ? undefined : tally.issued - tally.revoked,
      remaining:
        tally === undefined ? undefined : campaign.totalQuantity - (tally.issued - tally.returned),
      persisted,
    };
  }
}
