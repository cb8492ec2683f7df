import { InMemoryCouponLog } from '../../src/adapters/memory/in-memory-coupon-log.ts';
import { describeCouponPublisherContract } from '../contract/coupon-publisher.contract.ts';

describeCouponPublisherContract('in memory', async () => {
  const log = new InMemoryCouponLog();
  return {
    publisher: log,
    // publish() resolves after the append, so everything is already there: take it all.
    readBack: async () => log.drain(Number.MAX_SAFE_INTEGER),
    close: async () => undefined,
  };
});
