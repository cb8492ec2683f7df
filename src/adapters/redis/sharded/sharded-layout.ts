import type { CampaignId } from '../../../domain/ids.ts';
import { RedisKeys, type SubLedgerTag } from '../redis-keys.ts';

/**
 * The layout of a campaign in sharded-stock mode (version 1). Everything here is part of the data
 * format: every process must compute the same answers for as long as a campaign lives, so none of
 * these functions may change for existing data (a new layout would need a new version and a
 * rebuild-ledger of each campaign).
 *
 * - The campaign's stock is split across N sub-ledgers. Sub-ledger i is an ordinary ledger
 *   (rules, winners, count, outbox stream) under the hash tag of `subLedgerTags(campaign, N)[i]`,
 *   plus a quota (`base + net`) and a transfer journal.
 * - A user always applies at sub-ledger `shardOf(userId, N)`, so their one coupon and every
 *   later "already issued" answer live on that one sub-ledger.
 * - Sub-ledger i hands out sequences i+1, i+1+N, i+1+2N, …: unique in the campaign, not gap-free.
 */

/** Most sub-ledgers a campaign may have. More than a few per Redis master brings nothing. */
export const MAX_SHARDS = 64;

/** The coupon sequence is stored as a signed 32-bit column: the layout must never exceed it. */
export const MAX_SEQUENCE = 2_147_483_647;

const CLUSTER_SLOTS = 16384;

/**
 * Which sub-ledger a user applies at: FNV-1a (32 bit) of the user id's UTF-8 bytes, mixed with
 * the murmur3 finaliser so that the low bits (the remainder) depend on every byte. Stable across
 * processes, versions and platforms; uniform over random and sequential ids alike.
 */
export function shardOf(userId: string, shards: number): number {
  let hash = 0x811c9dc5;
  for (const byte of Buffer.from(userId, 'utf8')) {
    hash ^= byte;
    hash = Math.imul(hash, 0x01000193);
  }
  hash ^= hash >>> 16;
  hash = Math.imul(hash, 0x85ebca6b);
  hash ^= hash >>> 13;
  hash = Math.imul(hash, 0xc2b2ae35);
  hash ^= hash >>> 16;
  return (hash >>> 0) % shards;
}

/**
 * Sub-ledger i's share of a total: the total split as evenly as possible, the remainder going to
 * the first sub-ledgers. Non-decreasing in the total for every i, so redefining a campaign one
 * sub-ledger at a time moves the sum of the shares monotonically from the old total to the new.
 */
export function baseQuota(total: number, shards: number, shard: number): number {
  return Math.floor(total / shards) + (shard < total % shards ? 1 : 0);
}

/** The campaign-wide sequence of sub-ledger `shard`'s `local`-th grant (local is 1-based). */
export function sequenceOf(local: number, shards: number, shard: number): number {
  return (local - 1) * shards + shard + 1;
}

/** Which sub-ledger's sequence space a sequence belongs to, and its local index there. */
export function sequenceSlot(sequence: number, shards: number): { shard: number; local: number } {
  return { shard: (sequence - 1) % shards, local: Math.floor((sequence - 1) / shards) + 1 };
}

/**
 * How many sub-ledgers a new campaign gets: the configured number, unless the campaign is so large
 * that a sub-ledger issuing all of it could produce a sequence beyond MAX_SEQUENCE.
 */
export function shardsFor(configured: number, totalQuantity: number): number {
  return Math.max(1, Math.min(configured, MAX_SHARDS, Math.floor(MAX_SEQUENCE / totalQuantity)));
}

/**
 * The hash tags of a campaign's N sub-ledgers, chosen so that they spread over Redis Cluster's
 * slot space: tag i hashes into the i-th N-th of the 16384 slots. `redis-cli --cluster create`
 * gives each master one contiguous, equal range of slots, so with N = (a multiple of) the number
 * of masters the sub-ledgers land evenly on the masters, not wherever CRC16 happens to put
 * `campaign#0`, `campaign#1`, … (with 3 tags on 3 masters, that is one master holding two of them
 * a third of the time). The tag is `<campaignId>#<i>` when that already falls in range, else
 * `<campaignId>#<i>.<n>` with the smallest n that does (about N tries on average). Resharding the
 * cluster can move slots; then a larger N (several sub-ledgers per master) keeps the spread even.
 */
export function subLedgerTags(campaignId: CampaignId, shards: number): SubLedgerTag[] {
  const tags: SubLedgerTag[] = [];
  for (let shard = 0; shard < shards; shard++) {
    const low = Math.floor((shard * CLUSTER_SLOTS) / shards);
    const high = Math.floor(((shard + 1) * CLUSTER_SLOTS) / shards);
    let tag = `${campaignId}#${shard}`;
    for (let salt = 1; !inRange(clusterSlot(tag), low, high); salt++) {
      tag = `${campaignId}#${shard}.${salt}`;
    }
    tags.push(tag as SubLedgerTag);
  }
  return tags;
}

const inRange = (slot: number, low: number, high: number) => slot >= low && slot < high;

/** Redis Cluster's slot of a hash tag: CRC16-XMODEM of its bytes, modulo 16384. */
export function clusterSlot(tag: string): number {
  let crc = 0;
  for (const byte of Buffer.from(tag, 'utf8')) {
    crc ^= byte << 8;
    for (let bit = 0; bit < 8; bit++) {
      crc = crc & 0x8000 ? ((crc << 1) ^ 0x1021) & 0xffff : (crc << 1) & 0xffff;
    }
  }
  return crc % CLUSTER_SLOTS;
}

/** One campaign's sub-ledgers, as every process computes them from (campaign id, N). */
export interface ShardLayout {
  readonly campaignId: CampaignId;
  readonly shards: number;
  readonly tags: readonly SubLedgerTag[];
}

/** A stored or configured number of sub-ledgers is a whole number from 1 to MAX_SHARDS. */
export const validShardCount = (value: number): boolean =>
  Number.isInteger(value) && value >= 1 && value <= MAX_SHARDS;

export function layoutOf(campaignId: CampaignId, shards: number): ShardLayout {
  return { campaignId, shards, tags: subLedgerTags(campaignId, shards) };
}

/**
 * Keys of sharded-stock mode beyond an ordinary ledger's (which every sub-ledger also has, under
 * its own tag: see RedisKeys).
 */
export class ShardedKeys extends RedisKeys {
  /**
   * HASH of one sub-ledger's stock transfers: `out:<j>` = `<n>:<amount>:<epoch>` (a transfer to
   * sub-ledger j debited here and maybe not yet credited there; at most one per j),
   * `next:<j>` = the last transfer number given to j, `in:<j>` = the last transfer number from j
   * credited here.
   */
  transfers(tag: SubLedgerTag): string {
    return `${this.prefix}{${tag}}:transfers`;
  }
}
