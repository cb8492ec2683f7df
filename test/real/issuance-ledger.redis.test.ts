import { describe, expect, it } from 'vitest';
import type {
  IssuanceOutbox,
  OutboxEntry,
} from '../../src/application/ports/issuance-outbox.port.ts';
import type { RedisConnection } from '../../src/adapters/redis/redis-client.ts';
import { RedisLedgerRecovery } from '../../src/adapters/redis/redis-ledger-recovery.ts';
import { SettledCampaigns } from '../../src/adapters/redis/settled-campaigns.ts';
import { describeIssuanceLedgerContract } from '../contract/issuance-ledger.contract.ts';
import { describeLedgerControlsContract } from '../contract/ledger-controls.contract.ts';
import { describeLedgerRecoveryContract } from '../contract/ledger-recovery.contract.ts';
import { describeShuffledOpeningContract } from '../contract/shuffled-opening.contract.ts';
import type { LedgerFixture } from '../support/ledger-expectations.ts';
import {
  describeIssuanceOutboxContract,
  type IssuanceOutboxFixture,
} from '../contract/issuance-outbox.contract.ts';
import { CampaignMother, CouponMother, randomUserId } from '../support/mothers.ts';
import {
  forgetNamespace,
  ledgerAndRecovery,
  outboxOf,
  REDIS_LAYOUTS,
  testNamespace,
  useNamespaces,
  useRedis,
  type RedisLayout,
  type RedisLayoutName,
} from '../support/redis-layouts.ts';
import { describeOutboxTraces } from './outbox-traces.suite.ts';
import { describeShardedStock, describeShardedStockOnCluster } from './sharded-stock.suite.ts';

/**
 * The Redis ledger and its outbox on every layout of test/support/redis-layouts.ts (plain,
 * cluster, sharded, cluster-sharded): both port contracts on each, then what only some layouts
 * have, where it applies (LAYOUT_SPECIFIC). Each contract fixture has its own key namespace, so
 * its outbox holds only its own test's grants.
 */

type LayoutSuite = (redisLayout: RedisLayout, connection: () => RedisConnection) => void;

const NOW = new Date(Date.UTC(2026, 10, 25, 12, 0, 0));

function ledgerFixture(redisLayout: RedisLayout, redis: RedisConnection): LedgerFixture {
  const keys = testNamespace();
  return {
    ...ledgerAndRecovery(redisLayout, redis, keys),
    outbox: outboxOf(redis, keys, 'contract'),
    close: () => forgetNamespace(redis, keys),
  };
}

function outboxFixture(
  redisLayout: RedisLayout,
  redis: RedisConnection,
  claimAfterMs: number,
): IssuanceOutboxFixture {
  const keys = testNamespace();
  return {
    ledger: redisLayout.ledger(redis, keys),
    relay: (consumerName) => outboxOf(redis, keys, consumerName, claimAfterMs),
    close: () => forgetNamespace(redis, keys),
  };
}

/**
 * In a test: a fresh namespace on the layout's server (forgotten after the test) with the
 * layout's ledger in it, and its relays.
 */
function useFreshNamespaces(redisLayout: RedisLayout, connection: () => RedisConnection) {
  const namespace = useNamespaces(connection);
  return () => {
    const redis = connection();
    const keys = namespace();
    return {
      redis,
      keys,
      ...ledgerAndRecovery(redisLayout, redis, keys),
      relay: (consumerName: string) => outboxOf(redis, keys, consumerName),
    };
  };
}

/**
 * Both contracts (races included) once more through the settled copy, as the API process wires
 * it: the copy answers sold-out and closed campaigns from memory, and must answer them exactly.
 */
const describeSettledLedger: LayoutSuite = (redisLayout, connection) => {
  const settledFixture = async (): Promise<LedgerFixture> => {
    const redis = connection();
    const keys = testNamespace();
    const inner = redisLayout.ledger(redis, keys);
    const ledger = new SettledCampaigns(inner, redis, {
      keyPrefix: keys.prefix,
      revalidateMs: 1000,
      maxWinners: 100_000,
    });
    const recovery = new RedisLedgerRecovery(redis, inner, {
      keyPrefix: keys.prefix,
      onChange: (campaignId) => ledger.forget(campaignId),
    });
    return {
      ledger,
      recovery,
      controls: ledger,
      outbox: outboxOf(redis, keys, 'contract'),
      close: () => forgetNamespace(redis, keys),
    };
  };
  const title = `${redisLayout.titles.ledger}, through SettledCampaigns`;
  describeIssuanceLedgerContract(title, settledFixture, redisLayout.ledgerCapabilities);
  describeLedgerRecoveryContract(title, settledFixture, redisLayout.ledgerCapabilities);
  describeLedgerControlsContract(title, settledFixture);
};

const describePlainLedger: LayoutSuite = (redisLayout, connection) => {
  describe('RedisIssuanceLedger beyond the contract', () => {
    const fresh = useFreshNamespaces(redisLayout, connection);

    it('decides nothing on a campaign last reconciled by another server process (a restart or failover)', async () => {
      const { redis, keys, ledger, recovery } = fresh();
      const campaign = CampaignMother.open({ totalQuantity: 5 });
      const winner = randomUserId();
      await ledger.define(campaign);
      await ledger.reserve(campaign.id, winner, NOW);
      // What a restarted Redis or a promoted replica holds: the run_id of the process before it.
      await redis.hset(keys.campaign(campaign.id), 'run', 'f'.repeat(40));

      expect(await ledger.reserve(campaign.id, randomUserId(), NOW)).toEqual({ kind: 'not-ready' });
      expect(await ledger.findGrant(campaign.id, randomUserId())).toEqual({ kind: 'not-ready' });
      // A define (a retry, a new end date) never makes it ready again; only a restore does.
      await ledger.define(campaign);
      expect(await ledger.reserve(campaign.id, randomUserId(), NOW)).toEqual({ kind: 'not-ready' });
      await recovery.restore(campaign, [CouponMother.of(campaign.id, 1, { userId: winner })]);
      expect(await ledger.reserve(campaign.id, winner, NOW)).toEqual({ kind: 'already-issued' });
    });

    it('renews the version stamp on every change of the rules or the readiness, never on a grant', async () => {
      const { redis, keys, ledger, recovery } = fresh();
      const campaign = CampaignMother.open({ totalQuantity: 5 });
      const stamp = async () => redis.hget(keys.campaign(campaign.id), 'stamp');
      await ledger.define(campaign);
      const stamps = [await stamp()];
      await ledger.reserve(campaign.id, randomUserId(), NOW);
      expect(await stamp()).toBe(stamps[0]);

      await ledger.define({ ...campaign, totalQuantity: 6 });
      stamps.push(await stamp());
      await recovery.fence(campaign.id);
      stamps.push(await stamp());
      await recovery.restore(campaign, []);
      stamps.push(await stamp());

      expect(stamps.every((value) => value !== null)).toBe(true);
      expect(new Set(stamps).size).toBe(stamps.length);
    });

    it('keeps one campaign in the documented keys, all sharing the {campaignId} hash tag', async () => {
      const { redis, keys, ledger } = fresh();
      const campaign = CampaignMother.open({ totalQuantity: 5, endsAt: NOW });
      const userId = randomUserId();
      await ledger.define(campaign);
      await ledger.reserve(campaign.id, userId, new Date(NOW.getTime() - 1));

      const { stamp, ...rules } = await redis.hgetall(keys.campaign(campaign.id));
      expect(rules).toEqual({
        name: campaign.name,
        total: '5',
        perUser: '1',
        startsAt: '',
        endsAt: String(NOW.getTime()),
        paused: '0',
        eligibility: 'anyone',
        segment: '',
        shuffleMs: '',
        // The run_id of the server process that defined it: the fence (ledger-run.lua).
        run: (/run_id:(\w+)/.exec(await redis.info('server')) ?? [])[1],
      });
      // The version stamp every change of the rules renews (the server's clock in µs).
      expect(stamp).toMatch(/^\d{16,}$/);
      expect(await redis.hgetall(keys.users(campaign.id))).toEqual({ [userId]: '1' });
      expect(await redis.get(keys.count(campaign.id))).toBe('1');
      expect(await redis.smembers(keys.campaigns)).toEqual([campaign.id]);
      const entries = await redis.xrange(keys.outbox(campaign.id), '-', '+');
      // One field: the coupon's primitives as JSON, the same encoding as its event.
      expect(entries.map(([, fields]) => fields)).toEqual([
        [
          'coupon',
          JSON.stringify({
            v: 2,
            campaignId: campaign.id,
            userId,
            sequence: 1,
            issuedAt: NOW.getTime() - 1,
          }),
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
    });

    it('still reserves after the server forgot its scripts (EVALSHA falls back to EVAL)', async () => {
      const { redis, ledger } = fresh();
      const campaign = CampaignMother.open();
      await ledger.define(campaign);
      await ledger.reserve(campaign.id, randomUserId(), NOW);

      // Every suite on this server just falls back as well: that is the behaviour under test.
      await redis.script('FLUSH');

      const after = await Promise.all([
        ledger.reserve(campaign.id, randomUserId(), NOW),
        ledger.reserve(campaign.id, randomUserId(), NOW),
      ]);
      expect(after.map((reservation) => reservation.kind)).toEqual(['issued', 'issued']);
      expect((await ledger.tally(campaign.id))?.issued).toBe(3);
    });

    it('continues after the HIGHEST restored sequence when the durable record has a hole', async () => {
      const { ledger, recovery } = fresh();
      // A grant whose event was lost along with Redis' data leaves a hole (here: 3). Counting the
      // coupons (4) would give sequence 5 to a second user; the highest sequence (5) never repeats.
      const campaign = CampaignMother.open({ totalQuantity: 6 });
      const record = [1, 2, 4, 5].map((sequence) => CouponMother.of(campaign.id, sequence));
      await recovery.restore(campaign, record);

      expect((await ledger.tally(campaign.id))?.issued).toBe(5);
      const next = await ledger.reserve(campaign.id, randomUserId(), NOW);
      expect(next.kind === 'issued' && next.coupon.sequence).toBe(6);
      expect((await ledger.reserve(campaign.id, randomUserId(), NOW)).kind).toBe('sold-out');
    });

    it('fails closed when a campaign lost its keys, and issues again once restored', async () => {
      const { redis, keys, ledger, recovery } = fresh();
      const campaign = CampaignMother.open();
      const winner = randomUserId();
      await ledger.define(campaign);
      const granted = await ledger.reserve(campaign.id, winner, NOW);
      // What a Redis restart without persistence (or a lost cluster slot) does to a campaign.
      await redis.del(keys.campaign(campaign.id), keys.users(campaign.id), keys.count(campaign.id));

      expect(await ledger.reserve(campaign.id, randomUserId(), NOW)).toEqual({
        kind: 'unknown-campaign',
      });

      await recovery.restore(campaign, granted.kind === 'issued' ? [granted.coupon] : []);
      expect(await ledger.reserve(campaign.id, winner, NOW)).toEqual({ kind: 'already-issued' });
      const next = await ledger.reserve(campaign.id, randomUserId(), NOW);
      expect(next.kind === 'issued' && next.coupon.sequence).toBe(2);
    });
  });
};

const describePlainOutbox: LayoutSuite = (redisLayout, connection) => {
  describe('RedisIssuanceOutbox beyond the contract', () => {
    const fresh = useFreshNamespaces(redisLayout, connection);

    const takeUntil = async (outbox: IssuanceOutbox, expected: number) => {
      const deadline = Date.now() + 10_000;
      const taken: OutboxEntry[] = [];
      while (taken.length < expected && Date.now() < deadline)
        taken.push(...(await outbox.take(100, 100)));
      return taken;
    };

    it('delivers grants made after the stream lost its consumer group (data loss), from the first entry', async () => {
      const { redis, keys, ledger, relay } = fresh();
      const outbox = relay('a');
      const campaign = CampaignMother.open();
      await ledger.define(campaign);
      // The stream and its group are gone; the next grants recreate the stream by XADD alone.
      await redis.del(keys.outbox(campaign.id));
      const first = await ledger.reserve(campaign.id, randomUserId(), NOW);
      const second = await ledger.reserve(campaign.id, randomUserId(), NOW);

      const taken = await takeUntil(outbox, 2);

      expect(taken.map((entry) => entry.coupon)).toEqual(
        [first, second].map((r) => (r.kind === 'issued' ? r.coupon : undefined)),
      );
    });

    it('sets an undecodable entry aside in the dead-letter stream instead of blocking or dropping it', async () => {
      const { redis, keys, ledger, relay } = fresh();
      const outbox = relay('a');
      const campaign = CampaignMother.open();
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
    });

    it('never reads another namespace', async () => {
      const outbox = fresh().relay('a');
      const theirLedger = fresh().ledger;
      const campaign = CampaignMother.open();
      await theirLedger.define(campaign);
      await theirLedger.reserve(campaign.id, randomUserId(), NOW);

      expect(await outbox.take(10, 100)).toEqual([]);
      expect(await outbox.depth()).toBe(0);
    });
  });
};

/** What only some layouts have; the contracts run on every one. */
const LAYOUT_SPECIFIC: Record<RedisLayoutName, readonly LayoutSuite[]> = {
  plain: [describeSettledLedger, describePlainLedger, describePlainOutbox, describeOutboxTraces],
  cluster: [describeOutboxTraces],
  sharded: [describeShardedStock, describeOutboxTraces],
  'cluster-sharded': [describeShardedStock, describeShardedStockOnCluster, describeOutboxTraces],
};

describe.each(REDIS_LAYOUTS)('Redis ledger, $name layout', (redisLayout) => {
  const redis = useRedis(redisLayout.server);

  describeIssuanceLedgerContract(
    redisLayout.titles.ledger,
    async () => ledgerFixture(redisLayout, redis()),
    redisLayout.ledgerCapabilities,
  );

  describeLedgerRecoveryContract(
    redisLayout.titles.ledger,
    async () => ledgerFixture(redisLayout, redis()),
    redisLayout.ledgerCapabilities,
  );

  describeShuffledOpeningContract(
    redisLayout.titles.ledger,
    async () => ledgerFixture(redisLayout, redis()),
    redisLayout.ledgerCapabilities,
  );

  describeLedgerControlsContract(redisLayout.titles.ledger, async () =>
    ledgerFixture(redisLayout, redis()),
  );

  describeIssuanceOutboxContract(
    redisLayout.titles.outbox,
    async ({ claimAfterMs }) => outboxFixture(redisLayout, redis(), claimAfterMs),
    redisLayout.outboxCapabilities,
  );

  for (const suite of LAYOUT_SPECIFIC[redisLayout.name]) suite(redisLayout, redis);
});
