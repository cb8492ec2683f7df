import { afterAll, describe, expect, it } from 'vitest';
import { createRedisClient } from '../../src/adapters/redis/redis-client.ts';
import { RedisIssuanceLedger } from '../../src/adapters/redis/redis-issuance-ledger.ts';

describe('LEDGER_SHARDS picks how the Redis ledger lays out new campaigns', () => {
  // Never connected (lazyConnect): building the adapter needs no server.
  const redis = createRedisClient('redis://127.0.0.1:1');
  afterAll(() => redis.disconnect());

  it('keeps one ledger per campaign at 1 (the default)', () => {
    expect(new RedisIssuanceLedger(redis).configured).toBe('plain');
    expect(new RedisIssuanceLedger(redis, { shards: 1 }).configured).toBe('plain');
  });

  it('splits new campaigns across N sub-ledgers above 1', () => {
    expect(new RedisIssuanceLedger(redis, { shards: 4 }).configured).toBe('sharded');
  });

  it('refuses a number of sub-ledgers it cannot lay out', () => {
    expect(() => new RedisIssuanceLedger(redis, { shards: 65 })).toThrow(RangeError);
  });
});
