import type { CampaignSummary, GetCampaignSummary } from './get-campaign-summary.ts';
import type { CampaignRepository } from './ports/campaign-repository.port.ts';

/** Every campaign with its live counts, for administrators and the dashboard. */
export class ListCampaigns {
  constructor(
    private readonly campaigns: CampaignRepository,
    private readonly summaries: GetCampaignSummary,
  ) {}

  async execute(): Promise<CampaignSummary[]> {
    const all = await this.campaigns.list();
    const summaries = await Promise.all(all.map((c) => this.summaries.execute(c.id)));
    return summaries.filter((s): s is CampaignSummary => s !== undefined);
  }
}
