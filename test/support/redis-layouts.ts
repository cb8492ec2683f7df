import { randomUUID } from 'node:crypto';
import { afterAll, afterEach, beforeAll } from 'vitest';
import {
  connectRedis,
  createRedisClient,
  createRedisCluster,
  type RedisConnection,
} from '../../src/adapters/redis/redis-client.ts';
import { RedisIssuanceLedger } from '../../src/adapters/redis/redis-issuance-ledger.ts';
import { RedisIssuanceOutbox } from '../../src/adapters/redis/redis-issuance-outbox.ts';
import { parseLedgerTag, type SubLedgerTag } from '../../src/adapters/redis/redis-keys.ts';
import { RedisLedgerRecovery } from '../../src/adapters/redis/redis-ledger-recovery.ts';
import { ShardedKeys } from '../../src/adapters/redis/sharded/sharded-layout.ts';
import type { IssuanceLedgerCapabilities } from '../contract/issuance-ledger.contract.ts';
import type { IssuanceOutboxCapabilities } from '../contract/issuance-outbox.contract.ts';
import { requireService } from './real-services.ts';

/**
 * Shared Redis test setup: connecting to the servers scripts/services.sh started, a key
 * namespace per test, deleting it again, closing. Every suite shares these servers with the
 * others running in parallel, so nothing here ever flushes: a test works in its own random
 * prefix and deletes exactly what that prefix holds.
 */

/** Where the keys live: the one Redis server, or the local 3-master cluster. */
export type RedisServer = 'single' | 'cluster';

/** A new, not yet connected client of `server` (connectRedis, or useRedis, connects it). */
function createTestRedis(server: RedisServer): RedisConnection {
  return server === 'cluster'
    ? createRedisCluster(requireService('TEST_REDIS_CLUSTER_NODES'))
    : createRedisClient(requireService('REDIS_URL'));
}

/**
 * One connection for the enclosing describe (or file): connected before its first test, closed
 * after its last. The getter throws when called outside a test, where it is not connected yet.
 */
export function useRedis(server: RedisServer): () => RedisConnection {
  let redis: RedisConnection | undefined;
  beforeAll(async () => {
    redis = createTestRedis(server);
    await connectRedis(redis);
  });
  afterAll(async () => {
    await redis?.quit();
  });
  return () => {
    if (redis === undefined) throw new Error(`the ${server} Redis is connected only inside tests`);
    return redis;
  };
}

/**
 * A fresh key namespace: parallel suites on one server never read (or steal) each other's
 * outbox entries, so a suite can assert exact depths and deliveries. ShardedKeys names every key
 * of both layouts (plain campaigns and sharded-stock sub-ledgers).
 */
export const testNamespace = (): ShardedKeys =>
  new ShardedKeys(`test-${randomUUID().slice(0, 8)}:`);

/**
 * Deletes every key of one test namespace: each ledger its registry lists (a campaign or a
 * sub-ledger: one slot each, so one DEL each on a cluster), then what sits on each campaign's own
 * slot, then the registry (on yet another slot).
 */
export async function forgetNamespace(redis: RedisConnection, keys: ShardedKeys): Promise<void> {
  const members = await redis.smembers(keys.campaigns);
  const ledgers = members.flatMap((member) => parseLedgerTag(member) ?? []);
  await Promise.all(
    ledgers.map(({ tag }) =>
      redis.del(
        keys.campaign(tag),
        keys.users(tag),
        keys.count(tag),
        keys.issuedAt(tag),
        keys.outbox(tag),
        keys.deadLetters(tag),
        keys.transfers(tag as SubLedgerTag),
      ),
    ),
  );
  const campaigns = new Set(ledgers.map(({ campaignId }) => campaignId));
  await Promise.all(
    [...campaigns].map((id) =>
      redis.del(
        ...[keys.shardCount(id), keys.persisted(id), keys.persistedRun(id)],
        ...[keys.sequences(id), keys.audited(id), keys.auditLease(id)],
      ),
    ),
  );
  await redis.del(keys.campaigns);
  await redis.del(keys.outboxActive);
}

/**
 * Fresh namespaces for the tests of the enclosing describe: each one a test asks for is
 * forgotten after that test, whether it passed or not.
 */
export function useNamespaces(redis: () => RedisConnection): () => ShardedKeys {
  const made: ShardedKeys[] = [];
  afterEach(async () => {
    await Promise.all(made.splice(0).map((keys) => forgetNamespace(redis(), keys)));
  });
  return () => {
    const keys = testNamespace();
    made.push(keys);
    return keys;
  };
}

/** The outbox every layout appends to: one stream per ledger tag, read by the consumer group. */
export function outboxOf(
  redis: RedisConnection,
  keys: ShardedKeys,
  consumerName: string,
  claimAfterMs?: number,
): RedisIssuanceOutbox {
  return new RedisIssuanceOutbox(redis, {
    consumerName,
    keyPrefix: keys.prefix,
    ...(claimAfterMs === undefined ? {} : { claimAfterMs }),
  });
}

export type RedisLayoutName = 'plain' | 'cluster' | 'sharded' | 'cluster-sharded';

/** One way to lay a campaign out in Redis, and what the contract suites may expect of it. */
export interface RedisLayout {
  readonly name: RedisLayoutName;
  readonly server: RedisServer;
  /** Sub-ledgers per campaign in sharded-stock mode; absent: one ledger per campaign. */
  readonly shards?: number;
  /**
   * How the suites have always named it: `IssuanceLedger contract: <ledger>`, `IssuanceOutbox
   * contract: <outbox>`, and `sharded stock: <stock>` where there are sub-ledgers.
   */
  readonly titles: { readonly ledger: string; readonly outbox: string; readonly stock?: string };
  /** A ledger in `keys`, the layout's way. */
  ledger(redis: RedisConnection, keys: ShardedKeys): RedisIssuanceLedger;
  readonly ledgerCapabilities: IssuanceLedgerCapabilities;
  readonly outboxCapabilities: IssuanceOutboxCapabilities;
}

/** One ledger per campaign: dense sequences, one stream in grant order. */
const PLAIN = {
  ledger: (redis: RedisConnection, keys: ShardedKeys) =>
    new RedisIssuanceLedger(redis, { keyPrefix: keys.prefix }),
  ledgerCapabilities: {},
  outboxCapabilities: {},
} as const;

/**
 * `shards` sub-ledgers per campaign (sharded-stock mode): unique, not gap-free, sequences and no
 * grant instant; one outbox stream per sub-ledger, each in order but not with each other.
 * Exactness and one coupon per user are asserted in full either way.
 */
const sharded = (shards: number) =>
  ({
    shards,
    ledger: (redis: RedisConnection, keys: ShardedKeys) =>
      new RedisIssuanceLedger(redis, { shards, keyPrefix: keys.prefix }),
    ledgerCapabilities: { denseSequences: false, wholeOpeningDraw: false },
    outboxCapabilities: { orderedWithinCampaign: false },
  }) as const;

/**
 * The layouts every Redis ledger suite runs on. On the cluster the suites pass only if every
 * script and multi-key command stays on one slot (the `{tag}` hash tag) and the registry is
 * written on its own; sharded has four sub-ledgers on one server (the stock logic without the
 * cluster), cluster-sharded one sub-ledger per master of the 3-master cluster.
 */
export const REDIS_LAYOUTS: readonly RedisLayout[] = [
  {
    name: 'plain',
    server: 'single',
    titles: { ledger: 'redis', outbox: 'redis streams' },
    ...PLAIN,
  },
  {
    name: 'cluster',
    server: 'cluster',
    titles: { ledger: 'redis cluster', outbox: 'redis cluster streams' },
    ...PLAIN,
  },
  {
    name: 'sharded',
    server: 'single',
    titles: {
      ledger: 'redis sharded (4 sub-ledgers)',
      outbox: 'redis sharded streams (4 sub-ledgers)',
      stock: 'redis (4 sub-ledgers)',
    },
    ...sharded(4),
  },
  {
    name: 'cluster-sharded',
    server: 'cluster',
    titles: {
      ledger: 'redis cluster sharded (3 sub-ledgers)',
      outbox: 'redis cluster sharded streams (3 sub-ledgers)',
      stock: 'redis cluster (3 sub-ledgers)',
    },
    ...sharded(3),
  },
];

/** The layout's ledger in `keys` and its recovery, as one process holds them. */
export function ledgerAndRecovery(
  redisLayout: RedisLayout,
  redis: RedisConnection,
  keys: ShardedKeys,
): { ledger: RedisIssuanceLedger; recovery: RedisLedgerRecovery; controls: RedisIssuanceLedger } {
  const ledger = redisLayout.ledger(redis, keys);
  const recovery = new RedisLedgerRecovery(redis, ledger, { keyPrefix: keys.prefix });
  return { ledger, recovery, controls: ledger };
}
