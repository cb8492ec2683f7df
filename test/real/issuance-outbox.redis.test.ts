import { randomUUID } from 'node:crypto';
import type { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { connectRedis, createRedisClient } from '../../src/adapters/redis/redis-client.ts';
import { RedisIssuanceLedger } from '../../src/adapters/redis/redis-issuance-ledger.ts';
import { RedisIssuanceOutbox } from '../../src/adapters/redis/redis-issuance-outbox.ts';
import { RedisKeys } from '../../src/adapters/redis/redis-keys.ts';
import type { OutboxEntry } from '../../src/application/ports/issuance-outbox.port.ts';
import type { CampaignId } from '../../src/domain/ids.ts';
import { describeIssuanceOutboxContract } from '../contract/issuance-outbox.contract.ts';
import { CampaignMother, randomUserId } from '../support/mothers.ts';
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

/** Deletes every key of one test namespace (never a flush: other suites share this Redis). */
async function forgetNamespace(keys: RedisKeys): Promise<void> {
  const campaigns = (await redis.smembers(keys.campaigns)) as CampaignId[];
  await Promise.all(
    campaigns.map((id) =>
      redis.del(
        keys.campaign(id),
        keys.users(id),
        keys.count(id),
        keys.outbox(id),
        keys.deadLetters(id),
      ),
    ),
  );
  await redis.del(keys.campaigns);
}

// Each fixture has its own key namespace: parallel suites on this Redis never read (or steal)
// each other's outbox entries, so the contract can assert exact depths and deliveries.
const namespace = () => new RedisKeys(`test-${randomUUID().slice(0, 8)}:`);

describeIssuanceOutboxContract('redis streams', async ({ claimAfterMs }) => {
  const keys = namespace();
  return {
    ledger: new RedisIssuanceLedger(redis, { keyPrefix: keys.prefix }),
    relay: (consumerName) =>
      new RedisIssuanceOutbox(redis, { consumerName, claimAfterMs, keyPrefix: keys.prefix }),
    close: () => forgetNamespace(keys),
  };
});

describe('RedisIssuanceOutbox beyond the contract', () => {
  const NOW = new Date(Date.UTC(2026, 10, 25, 12, 0, 0));

  const takeUntil = async (outbox: RedisIssuanceOutbox, expected: number) => {
    const deadline = Date.now() + 10_000;
    const taken: OutboxEntry[] = [];
    while (taken.length < expected && Date.now() < deadline)
      taken.push(...(await outbox.take(100, 100)));
    return taken;
  };

  it('delivers grants made after the stream lost its consumer group (data loss), from the first entry', async () => {
    const keys = namespace();
    const ledger = new RedisIssuanceLedger(redis, { keyPrefix: keys.prefix });
    const outbox = new RedisIssuanceOutbox(redis, { consumerName: 'a', keyPrefix: keys.prefix });
    const campaign = CampaignMother.open();
    try {
      await ledger.define(campaign);
      // The stream and its group are gone; the next grants recreate the stream by XADD alone.
      await redis.del(keys.outbox(campaign.id));
      const first = await ledger.reserve(campaign.id, randomUserId(), NOW);
      const second = await ledger.reserve(campaign.id, randomUserId(), NOW);

      const taken = await takeUntil(outbox, 2);

      expect(taken.map((entry) => entry.coupon)).toEqual(
        [first, second].map((r) => (r.kind === 'issued' ? r.coupon : undefined)),
      );
    } finally {
      await forgetNamespace(keys);
    }
  });

  it('sets an undecodable entry aside in the dead-letter stream instead of blocking or dropping it', async () => {
    const keys = namespace();
    const ledger = new RedisIssuanceLedger(redis, { keyPrefix: keys.prefix });
    const outbox = new RedisIssuanceOutbox(redis, { consumerName: 'a', keyPrefix: keys.prefix });
    const campaign = CampaignMother.open();
    try {
      await ledger.define(campaign);
      await redis.xadd(
        keys.outbox(campaign.id),
        '*',
        'campaignId',
        campaign.id,
        'userId',
        'bad user!',
      );
      const granted = await ledger.reserve(campaign.id, randomUserId(), NOW);

      const taken = await takeUntil(outbox, 1);

      expect(taken.map((entry) => entry.coupon)).toEqual([
        granted.kind === 'issued' ? granted.coupon : undefined,
      ]);
      const dead = await redis.xrange(keys.deadLetters(campaign.id), '-', '+');
      expect(dead).toHaveLength(1);
      expect(dead[0]?.[1]).toContain('bad user!');
      await outbox.acknowledge(taken);
      expect(await outbox.depth()).toBe(0);
    } finally {
      await forgetNamespace(keys);
    }
  });

  it('never reads another namespace', async () => {
    const mine = namespace();
    const theirs = namespace();
    const theirLedger = new RedisIssuanceLedger(redis, { keyPrefix: theirs.prefix });
    const outbox = new RedisIssuanceOutbox(redis, { consumerName: 'a', keyPrefix: mine.prefix });
    const campaign = CampaignMother.open();
    try {
      await theirLedger.define(campaign);
      await theirLedger.reserve(campaign.id, randomUserId(), NOW);

      expect(await outbox.take(10, 100)).toEqual([]);
      expect(await outbox.depth()).toBe(0);
    } finally {
      await forgetNamespace(mine);
      await forgetNamespace(theirs);
    }
  });
});
