import { isDraft } from '../../domain/campaign.ts';
import type { CampaignSummary, GetCampaignSummary } from './get-campaign-summary.ts';
import type { CampaignRepository } from '../ports/campaign-repository.port.ts';

/** Every campaign with its live counts, for administrators and the dashboard. */
export class ListCampaigns {
  constructor(
    private readonly campaigns: CampaignRepository,
    private readonly summaries: GetCampaignSummary,
  ) {}

  /** Drafts are left out unless asked for (the admin's list): applicants must not see them. */
  async execute(options: { readonly includeDrafts?: boolean } = {}): Promise<CampaignSummary[]> {
    // The list already holds each campaign: summarize it, instead of looking it up again per row.
    const all = await this.campaigns.list();
    const shown = options.includeDrafts ? all : all.filter((campaign) => !isDraft(campaign));
    return this.summaries.summarizeAll(shown);
  }
}
