import { hostname } from 'node:os';
import { ContainerModule } from 'inversify';
import { Cluster } from 'ioredis';
import type { Logger } from '../../application/ports/logger.port.ts';
import {
  durabilityShortfalls,
  readLedgerDurability,
} from '../../adapters/redis/ledger-durability.ts';
import { ReplicaAcknowledgement } from '../../adapters/redis/replica-acknowledgement.ts';
import {
  closeRedis,
  connectRedis,
  createRedisClient,
  createRedisCluster,
  createRedisSentinelClient,
  type RedisConnection,
} from '../../adapters/redis/redis-client.ts';
import { RedisHealthCheck } from '../../adapters/redis/redis-health-check.ts';
import { RedisIssuanceOutbox } from '../../adapters/redis/redis-issuance-outbox.ts';
import { RedisLedgerVersions } from '../../adapters/redis/redis-ledger-versions.ts';
import { RedisPersistenceMarks } from '../../adapters/redis/redis-persistence-marks.ts';
import type { Config } from './config.ts';
import type { Lifecycle } from '../runtime/lifecycle.ts';
import { redisIssuanceLedger } from './redis-sharded.module.ts';
import { ADAPTERS, TOKENS as T } from './tokens.ts';

/** Ledger + outbox on Redis (one instance or a cluster), one auto-pipelined connection. */
export async function redisModule(
  config: Config,
  kind: 'redis' | 'redis-cluster' | 'redis-sentinel',
  lifecycle: Lifecycle,
  role: string,
  logger: Logger,
): Promise<ContainerModule> {
  const redis = connectionFor(config, kind);
  lifecycle.onStop('redis', async () => {
    await closeRedis(redis);
  });
  await connectRedis(redis);
  await reportDurability(redis, config, logger);
  // WAIT only over one connection to one master: wiringFor refuses replicas with a cluster.
  const grantDurability =
    config.LEDGER_MIN_REPLICAS > 0 && !(redis instanceof Cluster)
      ? new ReplicaAcknowledgement(
          redis,
          config.LEDGER_MIN_REPLICAS,
          config.LEDGER_REPLICA_TIMEOUT_MS,
        )
      : undefined;
  // Each relay is one consumer of the outbox group; host + pid is unique per running process.
  const consumerName = `${role}-${hostname()}-${process.pid}`;
  return new ContainerModule(({ bind }) => {
    bind(ADAPTERS.ledger).toConstantValue(
      redisIssuanceLedger(redis, config.LEDGER_SHARDS, grantDurability),
    );
    bind(T.outbox).toConstantValue(
      new RedisIssuanceOutbox(redis, { consumerName, claimAfterMs: config.OUTBOX_CLAIM_AFTER_MS }),
    );
    bind(T.ledgerVersions).toConstantValue(new RedisLedgerVersions(redis));
    bind(T.persistenceMarks).toConstantValue(new RedisPersistenceMarks(redis));
    bind(T.healthChecks).toConstantValue(new RedisHealthCheck(redis));
  });
}

function connectionFor(
  config: Config,
  kind: 'redis' | 'redis-cluster' | 'redis-sentinel',
): RedisConnection {
  switch (kind) {
    case 'redis-cluster':
      return createRedisCluster(config.REDIS_CLUSTER_NODES ?? '');
    case 'redis-sentinel':
      return createRedisSentinelClient(config.REDIS_SENTINELS ?? '', config.REDIS_SENTINEL_NAME);
    case 'redis':
      return createRedisClient(config.REDIS_URL ?? '');
  }
}

/** One line at boot: how durable a grant is, and what falls short of the configuration. */
async function reportDurability(redis: RedisConnection, config: Config, logger: Logger) {
  const servers = await readLedgerDurability(redis);
  const wanted = { fsync: 'always', minReplicas: config.LEDGER_MIN_REPLICAS } as const;
  const shortfalls = durabilityShortfalls(servers, wanted);
  if (shortfalls.length === 0) {
    logger.info({ servers, wanted }, 'ledger durability: as configured');
  } else {
    logger.warn(
      { servers, wanted },
      `ledger is less durable than configured: ${shortfalls.join('; ')}`,
    );
  }
}
