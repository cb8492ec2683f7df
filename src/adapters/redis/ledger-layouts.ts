import type { IssuanceLedger, LedgerLayout } from '../../application/ports/issuance-ledger.port.ts';
import type { CampaignId, UserId } from '../../domain/ids.ts';
import type { RedisConnection } from './redis-client.ts';
import { orUnavailable } from './redis-errors.ts';
import { toCount } from './ledger-codec.ts';
import type { KeyNamespace, SubLedgerTag } from './redis-keys.ts';
import { FENCE, registerScript, type ScriptCall } from './redis-scripts.ts';
import {
  layoutOf,
  ShardedKeys,
  validShardCount,
  type ShardLayout,
} from './sharded/sharded-layout.ts';

/** Which of the two layouts an adapter decides in. */
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

  /** Which layout holds the campaign, seen from an adapter deciding in `own`. */
  async layout(campaignId: CampaignId, own: LayoutMode): Promise<LedgerLayout> {
    const [plain, sharded] = await Promise.all([
      this.redis.exists(this.keys.campaign(campaignId)),
      this.redis.exists(this.keys.shardCount(campaignId)),
    ]);
    const holder: LayoutMode | undefined = sharded ? 'sharded' : plain ? 'plain' : undefined;
    if (holder === undefined) return 'none';
    return holder === own ? 'own' : 'other';
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
      );
    }
  }
}

/**
 * The port methods a reconciliation uses, answered alike by both Redis ledgers: each sees BOTH
 * layouts (see LedgerLayouts), and only `layout` depends on which one the adapter decides in.
 */
export abstract class ReconcilableRedisLedger implements Pick<
  IssuanceLedger,
  'winners' | 'fence' | 'layout' | 'claimReconcile' | 'releaseReconcile'
> {
  protected readonly keys: ShardedKeys;
  protected readonly layouts: LedgerLayouts;
  readonly #mode: LayoutMode;

  protected constructor(
    protected readonly redis: RedisConnection,
    namespace: KeyNamespace,
    mode: LayoutMode,
  ) {
    this.keys = new ShardedKeys(namespace.keyPrefix);
    this.layouts = new LedgerLayouts(redis, this.keys);
    this.#mode = mode;
  }

  winners(campaignId: CampaignId): Promise<ReadonlyMap<UserId, number>> {
    return orUnavailable(() => this.layouts.winners(campaignId));
  }

  fence(campaignId: CampaignId): Promise<void> {
    return orUnavailable(() => this.layouts.fence(campaignId));
  }

  layout(campaignId: CampaignId): Promise<LedgerLayout> {
    return orUnavailable(() => this.layouts.layout(campaignId, this.#mode));
  }

  claimReconcile(campaignId: CampaignId, ttlMs: number): Promise<boolean> {
    return orUnavailable(() => this.layouts.claim(campaignId, ttlMs));
  }

  releaseReconcile(campaignId: CampaignId): Promise<void> {
    return orUnavailable(() => this.layouts.release(campaignId));
  }
}

export function parseShardCount(value: unknown): number | undefined {
  if (value === null || value === undefined) return undefined;
  const shards = Number(value);
  if (!validShardCount(shards)) throw new Error(`malformed shard count ${JSON.stringify(value)}`);
  return shards;
}
