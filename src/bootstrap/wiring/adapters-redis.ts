import { hostname } from 'node:os';
import { ContainerModule } from 'inversify';
import { Cluster } from 'ioredis';
import type { Logger } from '../../application/ports/logger.port.ts';
import { reportLedgerDurability } from '../../adapters/redis/ledger-durability.ts';
import {
  closeRedis,
  connectRedis,
  createRedisConnection,
} from '../../adapters/redis/redis-client.ts';
import { RedisHealthCheck } from '../../adapters/redis/redis-health-check.ts';
import { RedisIssuanceLedger } from '../../adapters/redis/redis-issuance-ledger.ts';
import { RedisIssuanceOutbox } from '../../adapters/redis/redis-issuance-outbox.ts';
import { RedisLedgerAudit } from '../../adapters/redis/redis-ledger-audit.ts';
import { RedisLedgerRecovery } from '../../adapters/redis/redis-ledger-recovery.ts';
import { RedisPersistenceMarks } from '../../adapters/redis/redis-persistence-marks.ts';
import { ReplicaAcknowledgement } from '../../adapters/redis/replica-acknowledgement.ts';
import { SettledCampaigns } from '../../adapters/redis/settled-campaigns.ts';
import type { Config } from '../config.ts';
import type { Lifecycle } from '../runtime/lifecycle.ts';
import { SETTLED_MAX_WINNERS, SETTLED_REVALIDATE_MS } from './core.ts';
import { RedisSpentProofs } from '../../adapters/redis/redis-spent-proofs.ts';
import { HEALTH_CHECKS, PORTS } from './ports.ts';

/**
 * Ledger, recovery, outbox and marks on Redis (one server, Sentinel or a cluster), over one
 * auto-pipelined connection. The request path's ledger: settled campaigns from memory → Redis.
 */
export async function redisLedger(
  config: Config,
  lifecycle: Lifecycle,
  role: string,
  logger: Logger,
): Promise<ContainerModule> {
  const redis = createRedisConnection(
    config.REDIS_CLUSTER_NODES
      ? { clusterNodes: config.REDIS_CLUSTER_NODES }
      : config.REDIS_SENTINELS
        ? { sentinels: config.REDIS_SENTINELS, name: config.REDIS_SENTINEL_NAME }
        : { url: config.REDIS_URL ?? '' },
  );
  lifecycle.onStop('redis', () => closeRedis(redis));
  await connectRedis(redis);
  const minReplicas = config.LEDGER_MIN_REPLICAS;
  await reportLedgerDurability(redis, { fsync: 'always', minReplicas }, logger);
  // WAIT only over one connection to one master: the configuration refuses replicas on a cluster.
  const grantDurability =
    minReplicas > 0 && !(redis instanceof Cluster)
      ? new ReplicaAcknowledgement(redis, minReplicas, config.LEDGER_REPLICA_TIMEOUT_MS)
      : undefined;
  const ledger = new RedisIssuanceLedger(redis, { shards: config.LEDGER_SHARDS, grantDurability });
  const settled = new SettledCampaigns(ledger, redis, {
    revalidateMs: SETTLED_REVALIDATE_MS,
    maxWinners: SETTLED_MAX_WINNERS,
  });
  const recovery = new RedisLedgerRecovery(redis, ledger, {
    // rebuild-ledger lays a campaign out as configured (how it changes LEDGER_SHARDS); the API's
    // own reconciliations keep the layout that holds it.
    restoreIn: role === 'rebuild-ledger' ? 'configured' : 'held',
    onChange: (campaignId) => settled.forget(campaignId),
  });
  // Each relay is one consumer of the outbox group; host + pid is unique per running process.
  const outbox = new RedisIssuanceOutbox(redis, {
    consumerName: `${role}-${hostname()}-${process.pid}`,
    claimAfterMs: config.OUTBOX_CLAIM_AFTER_MS,
    quietMs: config.OUTBOX_QUIET_MS,
  });
  lifecycle.onStop('outbox', async () => outbox.close());
  return new ContainerModule(({ bind }) => {
    bind(PORTS.ledger).toConstantValue(settled);
    bind(PORTS.controls).toConstantValue(settled);
    bind(PORTS.recovery).toConstantValue(recovery);
    bind(PORTS.outbox).toConstantValue(outbox);
    bind(PORTS.marks).toConstantValue(new RedisPersistenceMarks(redis));
    bind(PORTS.spentProofs).toConstantValue(new RedisSpentProofs(redis));
    bind(PORTS.ledgerAudit).toConstantValue(new RedisLedgerAudit(redis));
    bind(HEALTH_CHECKS).toConstantValue(new RedisHealthCheck(redis));
  });
}
