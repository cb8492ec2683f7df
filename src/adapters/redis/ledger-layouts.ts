import type { CampaignId, UserId } from '../../domain/ids.ts';
import type { RedisConnection } from './redis-client.ts';
import type { Revocation } from '../../domain/coupon.ts';
import { revocationOf, toCount } from './ledger-codec.ts';
import type { SubLedgerTag } from './redis-keys.ts';
import { FENCE, registerScript, type ScriptCall } from './redis-scripts.ts';
import type { ShardedKeys } from './sharded/sharded-layout.ts';
import { layoutOf, validShardCount, type ShardLayout } from './sharded/sharded-layout.ts';

/** The two ways a campaign can be laid out (see LayoutLedger). */
export type LayoutMode = 'plain' | 'sharded';

/**
 * What both Redis ledgers (plain, and sharded-stock mode) need to know of EACH OTHER's layout, in
 * one place: a campaign must have one live ledger, so a reconciliation fences both layouts, keeps
 * the winners of both, and a restore removes the other one.
 *
 * - plain: `{id}:campaign` (rules), `{id}:users`, `{id}:count`;
 * - sharded: `{id}:shards` (N, on the campaign's own slot) and N sub-ledgers `{id#i…}:…`.
 */
export class LedgerLayouts {
  readonly #fence: ScriptCall;

  constructor(
    private readonly redis: RedisConnection,
    readonly keys: ShardedKeys,
  ) {
    this.#fence = registerScript(redis, FENCE);
  }

  /** The campaign's sharded layout, from its stored sub-ledger count; undefined when none. */
  async storedShards(campaignId: CampaignId): Promise<ShardLayout | undefined> {
    const shards = parseShardCount(await this.redis.get(this.keys.shardCount(campaignId)));
    return shards === undefined ? undefined : layoutOf(campaignId, shards);
  }

  /** Which layout holds the campaign; undefined when none does (never defined, or lost). */
  async holder(campaignId: CampaignId): Promise<LayoutMode | undefined> {
    const [plain, sharded] = await Promise.all([
      this.redis.exists(this.keys.campaign(campaignId)),
      this.redis.exists(this.keys.shardCount(campaignId)),
    ]);
    return sharded ? 'sharded' : plain ? 'plain' : undefined;
  }

  /** Fences the campaign in both layouts: the plain rules and every sub-ledger's. */
  async fence(campaignId: CampaignId): Promise<void> {
    const layout = await this.storedShards(campaignId);
    await this.#fence(this.keys.campaign(campaignId));
    // One after the other: on a cluster the sub-ledgers live on different slots.
    for (const tag of layout?.tags ?? []) await this.#fence(this.keys.campaign(tag));
  }

  /** Every winner the campaign has in either layout (a user is in at most one sub-ledger). */
  async winners(campaignId: CampaignId): Promise<Map<UserId, number>> {
    const layout = await this.storedShards(campaignId);
    const hashes = [campaignId, ...(layout?.tags ?? [])].map((tag) => this.keys.users(tag));
    const winners = new Map<UserId, number>();
    for (const hash of hashes) {
      const entries = await this.redis.hgetall(hash);
      for (const [userId, sequence] of Object.entries(entries)) {
        winners.set(userId as UserId, toCount(sequence));
      }
    }
    return winners;
  }

  /** Every revocation the campaign has in either layout (a user is in at most one sub-ledger). */
  async revocations(campaignId: CampaignId): Promise<Map<UserId, Revocation>> {
    const layout = await this.storedShards(campaignId);
    const hashes = [campaignId, ...(layout?.tags ?? [])].map((tag) => this.keys.revoked(tag));
    const revocations = new Map<UserId, Revocation>();
    for (const hash of hashes) {
      for (const [userId, value] of Object.entries(await this.redis.hgetall(hash))) {
        const revocation = revocationOf(value);
        if (revocation) revocations.set(userId as UserId, revocation);
      }
    }
    return revocations;
  }

  /** The reconcile claim: SET NX with an expiry, so a crashed holder's claim lapses. */
  async claim(campaignId: CampaignId, ttlMs: number): Promise<boolean> {
    const reply = await this.redis.set(this.keys.reconciling(campaignId), '1', 'PX', ttlMs, 'NX');
    return reply === 'OK';
  }

  async release(campaignId: CampaignId): Promise<void> {
    await this.redis.del(this.keys.reconciling(campaignId));
  }

  /**
   * After a restore: fenced sub-ledgers no layout uses any more (the sharded layout's, after a
   * plain restore; an older layout's, after a sharded one) are gone for good. Their outbox
   * streams stay: the relay still drains them.
   */
  async dropSubLedgers(tags: readonly SubLedgerTag[]): Promise<void> {
    // One after the other: on a cluster the sub-ledgers live on different slots.
    for (const tag of tags) {
      await this.redis.del(
        this.keys.campaign(tag),
        this.keys.users(tag),
        this.keys.count(tag),
        this.keys.transfers(tag),
        this.keys.revoked(tag),
        this.keys.allowlist(tag),
        this.keys.issuedAt(tag),
        this.keys.openingPool(tag),
        this.keys.openingDrawn(tag),
      );
    }
  }
}

export function parseShardCount(value: unknown): number | undefined {
  if (value === null || value === undefined) return undefined;
  const shards = Number(value);
  if (!validShardCount(shards)) throw new Error(`malformed shard count ${JSON.stringify(value)}`);
  return shards;
}
