import { hostname } from 'node:os';
import { ContainerModule } from 'inversify';
import {
  connectRedis,
  createRedisClient,
  createRedisCluster,
  type RedisConnection,
} from '../adapters/redis/redis-client.ts';
import { RedisHealthCheck } from '../adapters/redis/redis-health-check.ts';
import { RedisIssuanceOutbox } from '../adapters/redis/redis-issuance-outbox.ts';
import type { Config } from './config.ts';
import type { Lifecycle } from './lifecycle.ts';
import { redisIssuanceLedger } from './redis-sharded.module.ts';
import { TOKENS as T } from './tokens.ts';

/** Ledger + outbox on Redis (one instance or a cluster), one auto-pipelined connection. */
export async function redisModule(
  config: Config,
  kind: 'redis' | 'redis-cluster',
  lifecycle: Lifecycle,
  role: string,
): Promise<ContainerModule> {
  const redis: RedisConnection =
    kind === 'redis-cluster'
      ? createRedisCluster(config.REDIS_CLUSTER_NODES ?? '')
      : createRedisClient(config.REDIS_URL ?? '');
  lifecycle.onStop('redis', async () => {
    await redis.quit().catch(() => redis.disconnect());
  });
  await connectRedis(redis);
  // Each relay is one consumer of the outbox group; host + pid is unique per running process.
  const consumerName = `${role}-${hostname()}-${process.pid}`;
  return new ContainerModule(({ bind }) => {
    bind(T.ledger).toConstantValue(redisIssuanceLedger(redis, config.LEDGER_SHARDS));
    bind(T.outbox).toConstantValue(
      new RedisIssuanceOutbox(redis, { consumerName, claimAfterMs: config.OUTBOX_CLAIM_AFTER_MS }),
    );
    bind(T.healthChecks).toConstantValue(new RedisHealthCheck(redis));
  });
}
