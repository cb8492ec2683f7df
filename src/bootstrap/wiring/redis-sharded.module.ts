import type { IssuanceLedger } from '../../application/ports/issuance-ledger.port.ts';
import type { RedisConnection } from '../../adapters/redis/redis-client.ts';
import type { GrantDurability } from '../../adapters/redis/replica-acknowledgement.ts';
import { RedisIssuanceLedger } from '../../adapters/redis/redis-issuance-ledger.ts';
import { RedisShardedIssuanceLedger } from '../../adapters/redis/sharded/redis-sharded-issuance-ledger.ts';

/**
 * The Redis ledger for `LEDGER_SHARDS` (docs/scaling.md, "One hot campaign"):
 * - 1 (default): one ledger per campaign, on the one Redis shard that owns its hash tag; sequences
 *   1..N without gaps;
 * - N > 1: sharded-stock mode for campaigns defined (or rebuilt) from now on: each campaign's stock
 *   split across N sub-ledgers on different slots, rebalanced on demand; sequences unique, not
 *   gap-free. A campaign keeps the mode and the N it was defined with, so every API process must
 *   run with the same LEDGER_SHARDS: a process in the other mode answers LEDGER_NOT_READY for it
 *   (fail closed, never a second coupon). The outbox reads both layouts, so the relay needs nothing.
 */
export function redisIssuanceLedger(
  redis: RedisConnection,
  shards: number,
  grantDurability?: GrantDurability,
): IssuanceLedger {
  return shards > 1
    ? new RedisShardedIssuanceLedger(redis, { shards, grantDurability })
    : new RedisIssuanceLedger(redis, { grantDurability });
}
