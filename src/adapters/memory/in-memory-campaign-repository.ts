import type { CampaignRepository } from '../../application/ports/campaign-repository.port.ts';
import type { Campaign } from '../../domain/campaign.ts';
import type { CampaignId } from '../../domain/ids.ts';

export class InMemoryCampaignRepository implements CampaignRepository {
  readonly #campaigns = new Map<CampaignId, Campaign>();

  async create(campaign: Campaign): Promise<boolean> {
    if (this.#campaigns.has(campaign.id)) return false;
    this.#campaigns.set(campaign.id, campaign);
    return true;
  }

  async find(id: CampaignId): Promise<Campaign | undefined> {
    return this.#campaigns.get(id);
  }

  async list(): Promise<Campaign[]> {
    return [...this.#campaigns.values()].sort((a, b) => a.id.localeCompare(b.id));
  }
}
