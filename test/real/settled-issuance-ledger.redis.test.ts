import { randomUUID } from 'node:crypto';
import type { Redis } from 'ioredis';
import { afterAll, beforeAll } from 'vitest';
import { connectRedis, createRedisClient } from '../../src/adapters/redis/redis-client.ts';
import { RedisIssuanceLedger } from '../../src/adapters/redis/redis-issuance-ledger.ts';
import { RedisIssuanceOutbox } from '../../src/adapters/redis/redis-issuance-outbox.ts';
import { RedisLedgerVersions } from '../../src/adapters/redis/redis-ledger-versions.ts';
import { SettledCampaignLedger } from '../../src/application/read/settled-campaign-ledger.ts';
import { describeIssuanceLedgerContract } from '../contract/issuance-ledger.contract.ts';
import { requireService } from '../support/real-services.ts';

const url = requireService('REDIS_URL');
let redis: Redis;

beforeAll(async () => {
  redis = createRedisClient(url);
  await connectRedis(redis);
});

afterAll(async () => {
  await redis.quit();
});

/** The whole ledger contract (races included) on real Redis, through the settled decorator. */
describeIssuanceLedgerContract(
  'redis, through SettledCampaignLedger',
  async () => {
    const keyPrefix = `test-${randomUUID().slice(0, 8)}:`;
    return {
      ledger: new SettledCampaignLedger(
        new RedisIssuanceLedger(redis, { keyPrefix }),
        new RedisLedgerVersions(redis, { keyPrefix }),
        { revalidateMs: 1000, maxWinners: 100_000 },
      ),
      outbox: new RedisIssuanceOutbox(redis, { consumerName: 'contract', keyPrefix }),
      // Random namespaces; the keys are small and this Redis is a test service.
      close: async () => undefined,
    };
  },
  { grantInstants: true },
);
