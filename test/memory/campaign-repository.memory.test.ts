import { InMemoryCampaignRepository } from '../../src/adapters/memory/in-memory-campaign-repository.ts';
import { describeCampaignRepositoryContract } from '../contract/campaign-repository.contract.ts';

describeCampaignRepositoryContract('in memory', async () => {
  const campaigns = new InMemoryCampaignRepository();
  return { campaigns, audit: campaigns.audit, close: async () => undefined };
});
