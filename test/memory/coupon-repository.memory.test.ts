import { InMemoryCampaignRepository } from '../../src/adapters/memory/in-memory-campaign-repository.ts';
import { InMemoryCouponRepository } from '../../src/adapters/memory/in-memory-coupon-repository.ts';
import { describeCouponRepositoryContract } from '../contract/coupon-repository.contract.ts';

describeCouponRepositoryContract('in memory', async () => {
  const campaigns = new InMemoryCampaignRepository();
  return {
    campaigns,
    // Given the campaigns, like the real table's foreign key: unknown campaigns are refused.
    coupons: new InMemoryCouponRepository(campaigns),
    close: async () => undefined,
  };
});
