import type { Cluster } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { connectRedis, createRedisCluster } from '../../src/adapters/redis/redis-client.ts';
import { RedisIssuanceLedger } from '../../src/adapters/redis/redis-issuance-ledger.ts';
import { RedisIssuanceOutbox } from '../../src/adapters/redis/redis-issuance-outbox.ts';
import { RedisShardedIssuanceLedger } from '../../src/adapters/redis/sharded/redis-sharded-issuance-ledger.ts';
import { clusterSlot, layoutOf } from '../../src/adapters/redis/sharded/sharded-layout.ts';
import { describeIssuanceLedgerContract } from '../contract/issuance-ledger.contract.ts';
import { describeIssuanceOutboxContract } from '../contract/issuance-outbox.contract.ts';
import { CampaignMother, randomCampaignId } from '../support/mothers.ts';
import { requireService } from '../support/real-services.ts';
import {
  describeShardedStock,
  forgetShardedNamespace,
  shardedNamespace,
} from './sharded-stock.suite.ts';

/** One sub-ledger per master of the local 3-master cluster: the layout places them so. */
const SHARDS = 3;
const nodes = requireService('TEST_REDIS_CLUSTER_NODES');
let cluster: Cluster;

beforeAll(async () => {
  cluster = createRedisCluster(nodes);
  await connectRedis(cluster);
});

afterAll(async () => {
  await cluster.quit();
});

// Every script touches one sub-ledger, i.e. one slot: these pass only if that holds (a transfer
// between sub-ledgers on two masters is three scripts, never one cross-slot call).
describeIssuanceLedgerContract(
  `redis cluster sharded (${SHARDS} sub-ledgers)`,
  async () => {
    const keys = shardedNamespace();
    return {
      ledger: new RedisShardedIssuanceLedger(cluster, { shards: SHARDS, keyPrefix: keys.prefix }),
      outbox: new RedisIssuanceOutbox(cluster, {
        consumerName: 'contract',
        keyPrefix: keys.prefix,
      }),
      close: () => forgetShardedNamespace(cluster, keys),
    };
  },
  { denseSequences: false },
);

describeIssuanceOutboxContract(
  `redis cluster sharded streams (${SHARDS} sub-ledgers)`,
  async ({ claimAfterMs }) => {
    const keys = shardedNamespace();
    return {
      ledger: new RedisShardedIssuanceLedger(cluster, { shards: SHARDS, keyPrefix: keys.prefix }),
      relay: (consumerName) =>
        new RedisIssuanceOutbox(cluster, { consumerName, claimAfterMs, keyPrefix: keys.prefix }),
      close: () => forgetShardedNamespace(cluster, keys),
    };
  },
  { orderedWithinCampaign: false },
);

describeShardedStock(`redis cluster (${SHARDS} sub-ledgers)`, () => ({
  redis: cluster,
  shards: SHARDS,
}));

describe('sharded stock: placement on the cluster', () => {
  /** The master (host:port) serving each slot, from CLUSTER SLOTS. */
  const owners = async (): Promise<(slot: number) => string | undefined> => {
    const ranges = (await cluster.call('CLUSTER', 'SLOTS')) as [number, number, [string, number]][];
    return (slot) => {
      const range = ranges.find(([low, high]) => slot >= low && slot <= high);
      return range ? `${range[2][0]}:${range[2][1]}` : undefined;
    };
  };

  it('computes the slot of a sub-ledger tag exactly as the cluster does', async () => {
    const keys = shardedNamespace();
    for (let i = 0; i < 20; i++) {
      for (const tag of layoutOf(randomCampaignId(), 4).tags) {
        const slot = await cluster.call('CLUSTER', 'KEYSLOT', keys.users(tag));
        expect(slot).toBe(clusterSlot(tag));
      }
    }
  });

  it('puts the 3 sub-ledgers of every campaign on the 3 different masters', async () => {
    const ownerOf = await owners();
    for (let i = 0; i < 50; i++) {
      const { tags } = layoutOf(randomCampaignId(), SHARDS);
      const masters = new Set(tags.map((tag) => ownerOf(clusterSlot(tag))));
      expect(masters.size).toBe(3);
    }
  });
});

describe('campaigns defined at once on the cluster', () => {
  it('defines many campaigns concurrently, sharded and not (XGROUPs on many slots at once)', async () => {
    const keys = shardedNamespace();
    const sharded = new RedisShardedIssuanceLedger(cluster, {
      shards: SHARDS,
      keyPrefix: keys.prefix,
    });
    const plain = new RedisIssuanceLedger(cluster, { keyPrefix: keys.prefix });
    try {
      await Promise.all([
        ...Array.from({ length: 8 }, () => sharded.define(CampaignMother.open())),
        ...Array.from({ length: 8 }, () => plain.define(CampaignMother.open())),
      ]);
    } finally {
      await forgetShardedNamespace(cluster, keys);
    }
  });
});
