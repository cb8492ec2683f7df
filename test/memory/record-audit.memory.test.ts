import { InMemoryCampaignRepository } from '../../src/adapters/memory/in-memory-campaign-repository.ts';
import { InMemoryCouponRepository } from '../../src/adapters/memory/in-memory-coupon-repository.ts';
import { InMemoryRecordAudit } from '../../src/adapters/memory/in-memory-record-audit.ts';
import { describeRecordAuditContract } from '../contract/record-audit.contract.ts';

describeRecordAuditContract('in memory', async () => {
  const campaigns = new InMemoryCampaignRepository();
  const coupons = new InMemoryCouponRepository(campaigns);
  return { campaigns, coupons, records: new InMemoryRecordAudit(coupons), close: async () => {} };
});
