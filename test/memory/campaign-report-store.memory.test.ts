import { InMemoryCampaignReportStore } from '../../src/adapters/memory/in-memory-campaign-report-store.ts';
import { InMemoryCampaignRepository } from '../../src/adapters/memory/in-memory-campaign-repository.ts';
import { describeCampaignReportStoreContract } from '../contract/campaign-report-store.contract.ts';

describeCampaignReportStoreContract('in memory', async () => ({
  reports: new InMemoryCampaignReportStore(),
  campaigns: new InMemoryCampaignRepository(),
  close: async () => undefined,
}));
