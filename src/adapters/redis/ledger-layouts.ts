import type { GrantLookup, LedgerLayout } from '../../application/ports/issuance-ledger.port.ts';
import type { Campaign } from '../../domain/campaign.ts';
import type { CampaignId, UserId } from '../../domain/ids.ts';
import type { RedisConnection } from './redis-client.ts';
import { FENCE, registerScript, type ScriptCall } from './redis-scripts.ts';
import type { ShardedKeys } from './sharded/sharded-layout.ts';
import { layoutOf, validShardCount, type ShardLayout } from './sharded/sharded-layout.ts';

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
        winners.set(userId as UserId, toSequence(sequence));
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

  /** After a plain restore: the fenced sub-ledgers of the sharded layout are gone for good. */
  async dropSubLedgers(layout: ShardLayout): Promise<void> {
    for (const tag of layout.tags) {
      await this.redis.del(
        this.keys.campaign(tag),
        this.keys.users(tag),
        this.keys.count(tag),
        this.keys.transfers(tag),
      );
    }
  }
}

/** The campaign hash: every field always written, '' for an absent bound (read as "none"). */
export function rulesOf(campaign: Campaign): {
  name: string;
  total: string;
  perUser: string;
  startsAt: string;
  endsAt: string;
} {
  return {
    name: campaign.name,
    total: String(campaign.totalQuantity),
    perUser: String(campaign.perUserLimit),
    startsAt: campaign.startsAt ? String(campaign.startsAt.getTime()) : '',
    endsAt: campaign.endsAt ? String(campaign.endsAt.getTime()) : '',
  };
}

export function parseShardCount(value: unknown): number | undefined {
  if (value === null || value === undefined) return undefined;
  const shards = Number(value);
  if (!validShardCount(shards)) throw new Error(`malformed shard count ${JSON.stringify(value)}`);
  return shards;
}

/** A count or a sequence as the ledger stores it: a non-negative safe integer. */
export function toSequence(value: unknown): number {
  const count = typeof value === 'number' ? value : Number(value);
  if (!Number.isSafeInteger(count) || count < 0) {
    throw new Error(`the ledger holds a malformed count ${String(value)}`);
  }
  return count;
}

/** Reply codes of find-grant.lua (plain ledgers and sub-ledgers alike). */
const Lookup = { unknownCampaign: 0, granted: 1, none: 2, notReady: 6 } as const;

/** find-grant.lua's `{code, value}` reply as a GrantLookup; anything else is an error. */
export function grantLookupOf(reply: unknown): GrantLookup {
  const [code, value] = Array.isArray(reply) && reply.length === 2 ? (reply as unknown[]) : [];
  if (typeof code !== 'number' || typeof value !== 'number') {
    throw new Error(`find-grant.lua answered ${JSON.stringify(reply)}`);
  }
  switch (code) {
    case Lookup.granted:
      return { kind: 'granted', sequence: toSequence(value) };
    case Lookup.none:
      return { kind: 'none' };
    case Lookup.unknownCampaign:
      return { kind: 'unknown-campaign' };
    case Lookup.notReady:
      return { kind: 'not-ready' };
    default:
      throw new Error(`find-grant.lua answered an unknown code ${code}`);
  }
}

/** find-coupon.lua's `{code, sequence, issuedAt}` reply: a GrantLookup with the grant's instant. */
export function couponLookupOf(reply: unknown): GrantLookup {
  const parts = Array.isArray(reply) && reply.length === 3 ? (reply as unknown[]) : [];
  const [code, sequence, issuedAt] = parts;
  if (typeof issuedAt !== 'number')
    throw new Error(`find-coupon.lua answered ${JSON.stringify(reply)}`);
  const lookup = grantLookupOf([code, sequence]);
  return lookup.kind === 'granted' && issuedAt >= 0
    ? { ...lookup, issuedAt: new Date(issuedAt) }
    : lookup;
}
