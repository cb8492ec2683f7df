import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Redis } from 'ioredis';
import { LedgerNotReplicatedError } from '../../src/application/errors.ts';
import {
  durabilityShortfalls,
  MAX_CLOCK_SKEW_MS,
  readLedgerDurability,
} from '../../src/adapters/redis/ledger-durability.ts';
import { ReplicaAcknowledgement } from '../../src/adapters/redis/replica-acknowledgement.ts';
import {
  connectRedis,
  createRedisClient,
  createRedisSentinelClient,
} from '../../src/adapters/redis/redis-client.ts';
import { RedisIssuanceLedger } from '../../src/adapters/redis/redis-issuance-ledger.ts';
import { RedisKeys } from '../../src/adapters/redis/redis-keys.ts';
import { CampaignMother, randomUserId } from '../support/mothers.ts';
import { requireService } from '../support/real-services.ts';

const sentinels = requireService('TEST_REDIS_SENTINELS');
const name = requireService('TEST_REDIS_SENTINEL_NAME');
const NOW = new Date();

/** Commands of one kind the server has run so far (INFO commandstats). */
async function calls(redis: Redis, command: string): Promise<number> {
  const info = await redis.info('commandstats');
  return Number(new RegExp(`^cmdstat_${command}:calls=(\\d+)`, 'm').exec(info)?.[1] ?? 0);
}

/** A direct connection to the replica the Sentinels know for `name`. */
async function replicaOf(sentinel: Redis): Promise<Redis> {
  const replicas = (await sentinel.call('SENTINEL', 'REPLICAS', name)) as string[][];
  const fields = replicas[0] ?? [];
  const field = (key: string) => fields[fields.indexOf(key) + 1];
  return new Redis({ host: field('ip'), port: Number(field('port')), lazyConnect: true });
}

describe('the ledger behind Redis Sentinel, with a replica', () => {
  const master = createRedisSentinelClient(sentinels, name);
  const [firstSentinel = ''] = sentinels.split(',');
  const [host, port] = firstSentinel.split(':');
  const sentinel = new Redis({ host, port: Number(port), lazyConnect: true });
  let replica: Redis;

  beforeAll(async () => {
    await connectRedis(master);
    await sentinel.connect();
    replica = await replicaOf(sentinel);
    await replica.connect();
  });

  afterAll(async () => {
    sentinel.disconnect(); // a Sentinel does not know QUIT
    await Promise.all([master.quit(), replica.quit()]);
  });

  it('reports the master it follows as fsyncing every write, with its replica connected', async () => {
    const servers = await readLedgerDurability(master);

    expect(servers).toHaveLength(1);
    expect(servers[0]).toMatchObject({ fsync: 'always', replicas: 1 });
    expect(durabilityShortfalls(servers, { fsync: 'always', minReplicas: 1 })).toEqual([]);
    expect(durabilityShortfalls(servers, { fsync: 'always', minReplicas: 2 })).toEqual([
      expect.stringMatching(/1 replica\(s\) connected, LEDGER_MIN_REPLICAS=2/),
    ]);
  });

  it('answers a grant only once the replica holds it, one WAIT for many concurrent grants', async () => {
    const ledger = new RedisIssuanceLedger(master, {
      grantDurability: new ReplicaAcknowledgement(master, 1, 200),
    });
    const campaign = CampaignMother.open({ totalQuantity: 200 });
    await ledger.define(campaign);
    const users = Array.from({ length: 200 }, () => randomUserId());
    const waitsBefore = await calls(master, 'wait');

    const reservations = await Promise.all(users.map((u) => ledger.reserve(campaign.id, u, NOW)));

    expect(reservations.every((r) => r.kind === 'issued')).toBe(true);
    const waits = (await calls(master, 'wait')) - waitsBefore;
    expect(waits).toBeGreaterThan(0);
    expect(waits).toBeLessThan(users.length);
    // Every user told "issued" is on the replica already: a failover now would keep them all.
    const keys = new RedisKeys();
    const onReplica = await replica.hmget(keys.users(campaign.id), ...users);
    expect(onReplica.filter((sequence) => sequence === null)).toEqual([]);
  });

  it('answers LEDGER_NOT_REPLICATED when too few replicas confirm, and keeps the grant', async () => {
    const ledger = new RedisIssuanceLedger(master, {
      grantDurability: new ReplicaAcknowledgement(master, 2, 50),
    });
    const campaign = CampaignMother.open();
    await ledger.define(campaign);
    const user = randomUserId();

    await expect(ledger.reserve(campaign.id, user, NOW)).rejects.toSatisfy(
      (error) =>
        error instanceof LedgerNotReplicatedError &&
        error.code === 'LEDGER_NOT_REPLICATED' &&
        /1 of 2/.test(error.message),
    );
    // Not lost: the grant stands, so the retry is told the coupon is theirs, not a second one.
    expect(await ledger.findGrant(campaign.id, user)).toMatchObject({
      kind: 'granted',
      sequence: 1,
    });
    expect(await ledger.reserve(campaign.id, user, NOW)).toMatchObject({ kind: 'already-issued' });
  });
});

describe('the ledger on one Redis started by scripts/services.sh', () => {
  const redis = createRedisClient(requireService('REDIS_URL'));

  afterAll(async () => {
    await redis.quit();
  });

  it('runs appendfsync always by default', async () => {
    await connectRedis(redis);
    const [server] = await readLedgerDurability(redis);

    expect(server?.fsync).toBe('always');
    // Same machine, same clock: well inside the bound the boot check reports.
    expect(Math.abs(server?.clockSkewMs ?? Infinity)).toBeLessThan(MAX_CLOCK_SKEW_MS);
    const weaker = { server: 'x', fsync: 'everysec', replicas: 0, clockSkewMs: 2000 };
    expect(durabilityShortfalls([weaker], { fsync: 'always', minReplicas: 0 })).toEqual([
      expect.stringMatching(/clock is 2000 ms from this host's/),
      expect.stringMatching(/appendfsync is everysec, not always/),
    ]);
  });
});
