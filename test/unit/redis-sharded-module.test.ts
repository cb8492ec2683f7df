import { afterAll, describe, expect, it } from 'vitest';
import { createRedisClient } from '../../src/adapters/redis/redis-client.ts';
import { RedisIssuanceLedger } from '../../src/adapters/redis/redis-issuance-ledger.ts';
import { RedisShardedIssuanceLedger } from '../../src/adapters/redis/sharded/redis-sharded-issuance-ledger.ts';
import { redisIssuanceLedger } from '../../src/bootstrap/wiring/redis-sharded.module.ts';

describe('LEDGER_SHARDS picks the Redis ledger', () => {
  // Never connected (lazyConnect): building the adapters needs no server.
  const redis = createRedisClient('redis://127.0.0.1:1');
  afterAll(() => redis.disconnect());

  it('keeps one ledger per campaign at 1 (the default)', () => {
    expect(redisIssuanceLedger(redis, 1)).toBeInstanceOf(RedisIssuanceLedger);
  });

  it('splits new campaigns across N sub-ledgers above 1', () => {
    expect(redisIssuanceLedger(redis, 4)).toBeInstanceOf(RedisShardedIssuanceLedger);
  });

  it('refuses a number of sub-ledgers it cannot lay out', () => {
    expect(() => redisIssuanceLedger(redis, 65)).toThrow(RangeError);
  });
});
