import type { Campaign } from '../../domain/campaign.ts';
import type { CampaignId } from '../../domain/ids.ts';

/** Where campaign definitions are kept durably; never read on the apply path. */
export interface CampaignRepository {
  /** Stores a new campaign; returns false (and changes nothing) when the id is taken. */
  create(campaign: Campaign): Promise<boolean>;
  find(id: CampaignId): Promise<Campaign | undefined>;
  list(): Promise<Campaign[]>;
}
