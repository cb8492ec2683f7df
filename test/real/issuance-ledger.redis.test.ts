import { randomUUID } from 'node:crypto';
import type { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  connectRedis,
  createRedisClient,
  type RedisConnection,
} from '../../src/adapters/redis/redis-client.ts';
import { RedisIssuanceLedger } from '../../src/adapters/redis/redis-issuance-ledger.ts';
import { RedisIssuanceOutbox } from '../../src/adapters/redis/redis-issuance-outbox.ts';
import { RedisKeys } from '../../src/adapters/redis/redis-keys.ts';
import type { CampaignId } from '../../src/domain/ids.ts';
import { describeIssuanceLedgerContract } from '../contract/issuance-ledger.contract.ts';
import { CampaignMother, CouponMother, randomUserId } from '../support/mothers.ts';
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
async function forgetNamespace(client: RedisConnection, keys: RedisKeys): Promise<void> {
  const campaigns = (await client.smembers(keys.campaigns)) as CampaignId[];
  await Promise.all(
    campaigns.map((id) =>
      client.del(
        keys.campaign(id),
        keys.users(id),
        keys.count(id),
        keys.outbox(id),
        keys.deadLetters(id),
      ),
    ),
  );
  await client.del(keys.campaigns);
}

/** Each fixture has its own key namespace, so its outbox holds only its own test's grants. */
const namespace = () => `test-${randomUUID().slice(0, 8)}:`;

describeIssuanceLedgerContract(
  'redis',
  async () => {
    const keyPrefix = namespace();
    return {
      ledger: new RedisIssuanceLedger(redis, { keyPrefix }),
      outbox: new RedisIssuanceOutbox(redis, { consumerName: 'contract', keyPrefix }),
      close: () => forgetNamespace(redis, new RedisKeys(keyPrefix)),
    };
  },
  { grantInstants: true },
);

describe('RedisIssuanceLedger beyond the contract', () => {
  const NOW = new Date(Date.UTC(2026, 10, 25, 12, 0, 0));

  it('decides nothing on a campaign last reconciled by another server process (a restart or failover)', async () => {
    const keys = new RedisKeys(namespace());
    const ledger = new RedisIssuanceLedger(redis, { keyPrefix: keys.prefix });
    const campaign = CampaignMother.open({ totalQuantity: 5 });
    const winner = randomUserId();
    try {
      await ledger.define(campaign);
      await ledger.reserve(campaign.id, winner, NOW);
      // What a restarted Redis or a promoted replica holds: the run_id of the process before it.
      await redis.hset(keys.campaign(campaign.id), 'run', 'f'.repeat(40));

      expect(await ledger.reserve(campaign.id, randomUserId(), NOW)).toEqual({ kind: 'not-ready' });
      expect(await ledger.findGrant(campaign.id, randomUserId())).toEqual({ kind: 'not-ready' });
      // A define (a retry, a new end date) never makes it ready again; only a restore does.
      await ledger.define(campaign);
      expect(await ledger.reserve(campaign.id, randomUserId(), NOW)).toEqual({ kind: 'not-ready' });
      await ledger.restore(campaign, [CouponMother.of(campaign.id, 1, { userId: winner })]);
      expect(await ledger.reserve(campaign.id, winner, NOW)).toEqual({ kind: 'already-issued' });
    } finally {
      await redis.del(keys.campaign(campaign.id), keys.users(campaign.id), keys.count(campaign.id));
    }
  });

  it('keeps one campaign in the documented keys, all sharing the {campaignId} hash tag', async () => {
    const keys = new RedisKeys(namespace());
    const ledger = new RedisIssuanceLedger(redis, { keyPrefix: keys.prefix });
    const campaign = CampaignMother.open({ totalQuantity: 5, endsAt: NOW });
    const userId = randomUserId();
    try {
      await ledger.define(campaign);
      await ledger.reserve(campaign.id, userId, new Date(NOW.getTime() - 1));

      expect(await redis.hgetall(keys.campaign(campaign.id))).toEqual({
        name: campaign.name,
        total: '5',
        perUser: '1',
        startsAt: '',
        endsAt: String(NOW.getTime()),
        // The run_id of the server process that defined it: the fence (ledger-run.lua).
        run: (/run_id:(\w+)/.exec(await redis.info('server')) ?? [])[1],
      });
      expect(await redis.hgetall(keys.users(campaign.id))).toEqual({ [userId]: '1' });
      expect(await redis.get(keys.count(campaign.id))).toBe('1');
      expect(await redis.smembers(keys.campaigns)).toEqual([campaign.id]);
      const entries = await redis.xrange(keys.outbox(campaign.id), '-', '+');
      expect(entries.map(([, fields]) => fields)).toEqual([
        [
          'campaignId',
          campaign.id,
          'userId',
          userId,
          'sequence',
          '1',
          'issuedAt',
          String(NOW.getTime() - 1),
        ],
      ]);
      const groups = (await redis.xinfo('GROUPS', keys.outbox(campaign.id))) as unknown[][];
      expect(groups.map((group) => group[1])).toEqual(['relay']);
      for (const key of [
        keys.campaign(campaign.id),
        keys.users(campaign.id),
        keys.outbox(campaign.id),
      ]) {
        expect(key).toContain(`{${campaign.id}}`);
      }
    } finally {
      await forgetNamespace(redis, keys);
    }
  });

  it('still reserves after the server forgot its scripts (EVALSHA falls back to EVAL)', async () => {
    const keys = new RedisKeys(namespace());
    const ledger = new RedisIssuanceLedger(redis, { keyPrefix: keys.prefix });
    const campaign = CampaignMother.open();
    try {
      await ledger.define(campaign);
      await ledger.reserve(campaign.id, randomUserId(), NOW);

      // Every suite on this server just falls back as well: that is the behaviour under test.
      await redis.script('FLUSH');

      const after = await Promise.all([
        ledger.reserve(campaign.id, randomUserId(), NOW),
        ledger.reserve(campaign.id, randomUserId(), NOW),
      ]);
      expect(after.map((reservation) => reservation.kind)).toEqual(['issued', 'issued']);
      expect(await ledger.issuedCount(campaign.id)).toBe(3);
    } finally {
      await forgetNamespace(redis, keys);
    }
  });

  it('continues after the HIGHEST restored sequence when the durable record has a hole', async () => {
    // A grant whose event was lost along with Redis' data leaves a hole (here: 3). Counting the
    // coupons (4) would give sequence 5 to a second user; the highest sequence (5) never repeats.
    const keys = new RedisKeys(namespace());
    const ledger = new RedisIssuanceLedger(redis, { keyPrefix: keys.prefix });
    const campaign = CampaignMother.open({ totalQuantity: 6 });
    const record = [1, 2, 4, 5].map((sequence) => CouponMother.of(campaign.id, sequence));
    try {
      await ledger.restore(campaign, record);

      expect(await ledger.issuedCount(campaign.id)).toBe(5);
      const next = await ledger.reserve(campaign.id, randomUserId(), NOW);
      expect(next.kind === 'issued' && next.coupon.sequence).toBe(6);
      expect((await ledger.reserve(campaign.id, randomUserId(), NOW)).kind).toBe('sold-out');
    } finally {
      await forgetNamespace(redis, keys);
    }
  });

  it('fails closed when a campaign lost its keys, and issues again once restored', async () => {
    const keys = new RedisKeys(namespace());
    const ledger = new RedisIssuanceLedger(redis, { keyPrefix: keys.prefix });
    const campaign = CampaignMother.open();
    const winner = randomUserId();
    try {
      await ledger.define(campaign);
      const granted = await ledger.reserve(campaign.id, winner, NOW);
      // What a Redis restart without persistence (or a lost cluster slot) does to a campaign.
      await redis.del(keys.campaign(campaign.id), keys.users(campaign.id), keys.count(campaign.id));

      expect(await ledger.reserve(campaign.id, randomUserId(), NOW)).toEqual({
        kind: 'unknown-campaign',
      });

      await ledger.restore(campaign, granted.kind === 'issued' ? [granted.coupon] : []);
      expect(await ledger.reserve(campaign.id, winner, NOW)).toEqual({ kind: 'already-issued' });
      const next = await ledger.reserve(campaign.id, randomUserId(), NOW);
      expect(next.kind === 'issued' && next.coupon.sequence).toBe(2);
    } finally {
      await forgetNamespace(redis, keys);
    }
  });
});
