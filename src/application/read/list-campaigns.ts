import type { CampaignSummary, GetCampaignSummary } from './get-campaign-summary.ts';
import type { CampaignRepository } from '../ports/campaign-repository.port.ts';

/** Every campaign with its live counts, for administrators and the dashboard. */
export class ListCampaigns {
  constructor(
    private readonly campaigns: CampaignRepository,
    private readonly summaries: GetCampaignSummary,
  ) {}

  async execute(): Promise<CampaignSummary[]> {
    // The list already holds each campaign: summarize it, instead of looking it up again per row.
    const all = await this.campaigns.list();
    return this.summaries.summarizeAll(all);
  }
}
