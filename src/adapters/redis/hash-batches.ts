import { randomUUID } from 'node:crypto';
import type { UserId } from '../../domain/ids.ts';
import type { RedisConnection } from './redis-client.ts';
import type { LedgerTag, RedisKeys } from './redis-keys.ts';

/** Field/value pairs written per HSET: small commands keep Redis responsive. */
const BATCH = 1000;
/** A staging hash left behind by a restore that died half-way disappears on its own. */
const RESTORE_STAGING_TTL_MS = 10 * 60_000;

/**
 * Writes a flat `field, value, field, value, …` list into one hash, BATCH pairs per HSET. With
 * `expireMs`, the hash expires that long after the first write, set before any other batch is
 * sent: a writer that dies half-way leaves nothing behind for good.
 */
export async function hsetInBatches(
  redis: RedisConnection,
  key: string,
  fields: readonly (string | number)[],
  expireMs?: number,
): Promise<void> {
  const batches: (string | number)[][] = [];
  for (let i = 0; i < fields.length; i += BATCH * 2) batches.push(fields.slice(i, i + BATCH * 2));
  const [first, ...rest] = batches;
  if (!first) return;
  await redis.hset(key, ...first);
  if (expireMs !== undefined) await redis.pexpire(key, expireMs);
  await Promise.all(rest.map((batch) => redis.hset(key, ...batch)));
}

/**
 * The first half of a restore, for the plain ledger and each sub-ledger alike: the winners,
 * userId → sequence, written into a fresh staging hash on the ledger's slot (so the restore
 * script can RENAME it over the winners in one step). Returns the staging key, which holds
 * nothing when there are no winners (the restore scripts are told how many to expect).
 */
export async function stageWinners(
  redis: RedisConnection,
  keys: RedisKeys,
  tag: LedgerTag,
  winners: ReadonlyMap<UserId, number>,
): Promise<string> {
  const staging = keys.restoring(tag, randomUUID());
  await hsetInBatches(redis, staging, [...winners].flat(), RESTORE_STAGING_TTL_MS);
  return staging;
}

/**
 * The winners as the persistence audit's index (ZSET userId → sequence), staged beside the
 * winners' hash so that restore.lua swaps both in one step (RedisKeys.sequences).
 */
export async function stageSequences(
  redis: RedisConnection,
  keys: RedisKeys,
  tag: LedgerTag,
  winners: ReadonlyMap<UserId, number>,
): Promise<string> {
  const staging = keys.restoring(tag, randomUUID());
  const members = [...winners].flatMap(([user, sequence]) => [sequence, user]);
  for (let i = 0; i < members.length; i += BATCH * 2) {
    await redis.zadd(staging, ...members.slice(i, i + BATCH * 2));
    if (i === 0) await redis.pexpire(staging, RESTORE_STAGING_TTL_MS);
  }
  return staging;
}

/** Members written per SADD, for the same reason as BATCH. */
const SET_BATCH = 1000;

/**
 * Stages what a restore puts back besides the winners (see restore.lua), each into a fresh key
 * on the ledger's slot: the revocations (userId → `<ms>:returned|kept`) and, when given, the
 * allowlist. Returns the staging keys and how many members each holds.
 */
export async function stageExtras(
  redis: RedisConnection,
  keys: RedisKeys,
  tag: LedgerTag,
  revocations: ReadonlyMap<UserId, string>,
  allowlist: readonly UserId[] | undefined,
): Promise<{ revoked: string; allowlist: string; allowlistSize: number }> {
  const revoked = keys.restoring(tag, randomUUID());
  await hsetInBatches(redis, revoked, [...revocations].flat(), RESTORE_STAGING_TTL_MS);
  const staged = keys.restoring(tag, randomUUID());
  const members = [...new Set(allowlist ?? [])];
  for (let i = 0; i < members.length; i += SET_BATCH) {
    await redis.sadd(staged, ...members.slice(i, i + SET_BATCH));
    if (i === 0) await redis.pexpire(staged, RESTORE_STAGING_TTL_MS);
  }
  return {
    revoked,
    allowlist: staged,
    allowlistSize: allowlist === undefined ? -1 : members.length,
  };
}

/** Adds (or removes) members of a set, SET_BATCH per command. */
export async function inSetBatches(
  redis: RedisConnection,
  key: string,
  members: readonly string[],
  remove = false,
): Promise<void> {
  for (let i = 0; i < members.length; i += SET_BATCH) {
    const batch = members.slice(i, i + SET_BATCH);
    if (remove) await redis.srem(key, ...batch);
    else await redis.sadd(key, ...batch);
  }
}
