import { randomUUID } from 'node:crypto';
import type { Cluster } from 'ioredis';
import { afterAll, beforeAll } from 'vitest';
import { connectRedis, createRedisCluster } from '../../src/adapters/redis/redis-client.ts';
import { RedisIssuanceLedger } from '../../src/adapters/redis/redis-issuance-ledger.ts';
import { RedisIssuanceOutbox } from '../../src/adapters/redis/redis-issuance-outbox.ts';
import { RedisKeys } from '../../src/adapters/redis/redis-keys.ts';
import type { CampaignId } from '../../src/domain/ids.ts';
import { describeIssuanceLedgerContract } from '../contract/issuance-ledger.contract.ts';
import { describeIssuanceOutboxContract } from '../contract/issuance-outbox.contract.ts';
import { requireService } from '../support/real-services.ts';

const nodes = requireService('TEST_REDIS_CLUSTER_NODES');
let cluster: Cluster;

beforeAll(async () => {
  cluster = createRedisCluster(nodes);
  await connectRedis(cluster);
});

afterAll(async () => {
  await cluster.quit();
});

/** Deletes one test namespace: per campaign (one slot each), then the registry (another slot). */
async function forgetNamespace(keys: RedisKeys): Promise<void> {
  const campaigns = (await cluster.smembers(keys.campaigns)) as CampaignId[];
  await Promise.all(
    campaigns.map((id) =>
      cluster.del(
        keys.campaign(id),
        keys.users(id),
        keys.count(id),
        keys.outbox(id),
        keys.deadLetters(id),
      ),
    ),
  );
  await cluster.del(keys.campaigns);
}

const namespace = () => new RedisKeys(`test-${randomUUID().slice(0, 8)}:`);

// The same contracts on a 3-master cluster: they pass only if every script and every multi-key
// command stays on one slot (the {campaignId} hash tag), and the registry is written on its own.
describeIssuanceLedgerContract(
  'redis cluster',
  async () => {
    const keys = namespace();
    return {
      ledger: new RedisIssuanceLedger(cluster, { keyPrefix: keys.prefix }),
      outbox: new RedisIssuanceOutbox(cluster, {
        consumerName: 'contract',
        keyPrefix: keys.prefix,
      }),
      close: () => forgetNamespace(keys),
    };
  },
  { grantInstants: true },
);

// The outbox reads one stream per campaign, i.e. one slot per call: cluster-safe by construction.
describeIssuanceOutboxContract('redis cluster streams', async ({ claimAfterMs }) => {
  const keys = namespace();
  return {
    ledger: new RedisIssuanceLedger(cluster, { keyPrefix: keys.prefix }),
    relay: (consumerName) =>
      new RedisIssuanceOutbox(cluster, { consumerName, claimAfterMs, keyPrefix: keys.prefix }),
    close: () => forgetNamespace(keys),
  };
});
