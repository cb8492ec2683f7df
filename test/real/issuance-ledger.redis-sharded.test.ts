import type { Redis } from 'ioredis';
import { afterAll, beforeAll } from 'vitest';
import { connectRedis, createRedisClient } from '../../src/adapters/redis/redis-client.ts';
import { RedisIssuanceOutbox } from '../../src/adapters/redis/redis-issuance-outbox.ts';
import { RedisShardedIssuanceLedger } from '../../src/adapters/redis/sharded/redis-sharded-issuance-ledger.ts';
import { describeIssuanceLedgerContract } from '../contract/issuance-ledger.contract.ts';
import { describeIssuanceOutboxContract } from '../contract/issuance-outbox.contract.ts';
import { requireService } from '../support/real-services.ts';
import {
  describeShardedStock,
  forgetShardedNamespace,
  shardedNamespace,
} from './sharded-stock.suite.ts';

/** Four sub-ledgers per campaign on one Redis: the stock logic, without the cluster. */
const SHARDS = 4;
const url = requireService('REDIS_URL');
let redis: Redis;

beforeAll(async () => {
  redis = createRedisClient(url);
  await connectRedis(redis);
});

afterAll(async () => {
  await redis.quit();
});

// Sequences are unique, not gap-free, in this mode; exactness and one-per-user are asserted in full.
describeIssuanceLedgerContract(
  `redis sharded (${SHARDS} sub-ledgers)`,
  async () => {
    const keys = shardedNamespace();
    return {
      ledger: new RedisShardedIssuanceLedger(redis, { shards: SHARDS, keyPrefix: keys.prefix }),
      outbox: new RedisIssuanceOutbox(redis, { consumerName: 'contract', keyPrefix: keys.prefix }),
      close: () => forgetShardedNamespace(redis, keys),
    };
  },
  { denseSequences: false },
);

// One stream per sub-ledger: every entry, each to one relay, not in grant order across streams.
describeIssuanceOutboxContract(
  `redis sharded streams (${SHARDS} sub-ledgers)`,
  async ({ claimAfterMs }) => {
    const keys = shardedNamespace();
    return {
      ledger: new RedisShardedIssuanceLedger(redis, { shards: SHARDS, keyPrefix: keys.prefix }),
      relay: (consumerName) =>
        new RedisIssuanceOutbox(redis, { consumerName, claimAfterMs, keyPrefix: keys.prefix }),
      close: () => forgetShardedNamespace(redis, keys),
    };
  },
  { orderedWithinCampaign: false },
);

describeShardedStock(`redis (${SHARDS} sub-ledgers)`, () => ({ redis, shards: SHARDS }));
