import type { GrantLookup, LedgerTally } from '../../../application/ports/issuance-ledger.port.ts';
import type { RevokeOutcome } from '../../../application/ports/ledger-controls.port.ts';
import type { Revocation } from '../../../domain/coupon.ts';
import type { Campaign } from '../../../domain/campaign.ts';
import type { CampaignId, UserId } from '../../../domain/ids.ts';
import type { RedisConnection } from '../redis-client.ts';
import {
  decisionOf,
  encodeRules,
  lookupOf,
  revokeOutcomeOf,
  tallyOf,
  type ScriptDecision,
} from '../ledger-codec.ts';
import { drawSeed } from '../opening-seed.ts';
import { registerCampaign } from '../redis-outbox-stream.ts';
import {
  FIND_COUPON,
  registerScript,
  REVOKE,
  script,
  TALLY,
  type ScriptCall,
} from '../redis-scripts.ts';
import { baseQuota, type ShardedKeys, type ShardLayout } from './sharded-layout.ts';
import { activeTraceparent } from '../../tracing/traceparent.ts';
import {
  creditOf,
  debitOf,
  stateOf,
  type CreditReply,
  type DebitReply,
  type ShardState,
  type StockTransfer,
} from './sub-ledger-replies.ts';

/** Re-exported for test/real/sharded-stock.suite.ts, which imports it from here. */
export type { StockTransfer } from './sub-ledger-replies.ts';

/** Every script a sub-ledger runs; the last two are the plain ledger's, on the sub-ledger's keys. */
const SCRIPTS = {
  reserve: script('couponShardReserve', 'sharded/reserve-shard.lua', 9),
  define: script('couponShardDefine', 'sharded/define-shard.lua', 2),
  state: script('couponShardState', 'sharded/shard-state.lua', 3, 'read-only'),
  debit: script('couponShardDebit', 'sharded/transfer-debit.lua', 3),
  credit: script('couponShardCredit', 'sharded/transfer-credit.lua', 2),
  clear: script('couponShardClear', 'sharded/transfer-clear.lua', 1),
  markSoldOut: script('couponShardSoldOut', 'sharded/mark-sold-out.lua', 1),
  restore: script('couponShardRestore', 'sharded/restore-shard.lua', 9),
  hold: script('couponShardHold', 'sharded/hold-shard.lua', 1),
  tally: TALLY,
  findGrant: FIND_COUPON,
  revoke: REVOKE,
} as const;

export interface RestoredShard {
  readonly campaign: Campaign;
  readonly base: number;
  readonly net: number;
  readonly epoch: string;
  readonly count: number;
  /** The next grant's local index is count + seqBase + 1: past every restored sequence. */
  readonly seqBase: number;
  readonly staging: string;
  readonly winners: number;
  /** Staged revocations and allowlist (stageExtras), and the units returned to this sub-ledger. */
  readonly extras: {
    revoked: string;
    revocations: number;
    returned: number;
    allowlist: string;
    allowlistSize: number;
  };
}

/** One sub-ledger's keys: one hash tag, hence one slot. */
interface SubLedgerKeys {
  readonly campaign: string;
  readonly users: string;
  readonly count: string;
  readonly outbox: string;
  readonly transfers: string;
  readonly issuedAt: string;
  readonly revoked: string;
  readonly allowlist: string;
  readonly openingPool: string;
  readonly openingDrawn: string;
  /** The sharded layout's marker of the sub-ledger's own tag: a key that never exists. */
  readonly noMarker: string;
}

/**
 * The sub-ledger scripts, each bound to the keys of one sub-ledger (one slot), with typed replies.
 * Every multi-key script touches one sub-ledger only: a transfer is three scripts on two slots,
 * which is why it needs the journal (see StockRebalancing).
 */
export class SubLedgerCommands {
  readonly #run: Record<keyof typeof SCRIPTS, ScriptCall>;

  constructor(
    private readonly redis: RedisConnection,
    private readonly keys: ShardedKeys,
  ) {
    const entries = Object.entries(SCRIPTS).map(([name, source]) => [
      name,
      registerScript(redis, source),
    ]);
    this.#run = Object.fromEntries(entries) as Record<keyof typeof SCRIPTS, ScriptCall>;
  }

  /**
   * Makes every sub-ledger visible to the relay, one after the other: XGROUPs on several slots
   * issued at once could share an auto-pipeline sent to one node of a cluster (see
   * createRedisCluster).
   */
  async registerWithRelay(layout: ShardLayout): Promise<void> {
    for (const tag of layout.tags) await registerCampaign(this.redis, this.keys, tag);
  }

  /**
   * Decides one application on its sub-ledger; with `credit`, credits that transfer to this
   * sub-ledger first, in the same step (see reserve-shard.lua). With `collecting` (the caller's
   * now), the answer to an application of a shuffled opening made at `at` (../opening.lua).
   */
  async reserve(
    layout: ShardLayout,
    shard: number,
    campaignId: CampaignId,
    userId: UserId,
    at: number,
    segment: string,
    credit?: StockTransfer,
    collecting?: number,
  ): Promise<ScriptDecision> {
    const k = this.keysOf(layout, shard);
    const transfer = credit ? [credit.donor, credit.number, credit.amount, credit.epoch] : [];
    const reply = await this.#run.reserve(
      ...[k.campaign, k.users, k.count, k.outbox, k.issuedAt, k.transfers, k.allowlist],
      ...[k.openingPool, k.openingDrawn],
      ...[campaignId, userId, at, layout.shards, shard, segment, activeTraceparent(), drawSeed()],
      ...[collecting ?? '', ...transfer],
    );
    return decisionOf(reply, 'sharded/reserve-shard.lua');
  }

  /** Writes the sub-ledger's rules and base quota; returns its spare stock (negative: a debt). */
  async define(
    layout: ShardLayout,
    shard: number,
    campaign: Campaign,
    epoch: string,
  ): Promise<number> {
    const k = this.keysOf(layout, shard);
    const base = baseQuota(campaign.totalQuantity, layout.shards, shard);
    const reply = await this.#run.define(
      ...[k.campaign, k.count],
      ...[encodeRules(campaign), layout.shards, shard, base, epoch],
    );
    if (typeof reply === 'number' && Number.isSafeInteger(reply)) return reply;
    throw new Error(`define-shard.lua answered ${JSON.stringify(reply)}`);
  }

  /** The sub-ledger's stock, or undefined when it holds no rules. */
  async state(layout: ShardLayout, shard: number): Promise<ShardState | undefined> {
    const k = this.keysOf(layout, shard);
    const reply = await this.#run.state(k.campaign, k.count, k.transfers);
    return stateOf(shard, reply);
  }

  /** Transfer step 1, on the donor (see transfer-debit.lua). */
  async debit(
    layout: ShardLayout,
    donor: number,
    recipient: number,
    amount: number,
    epoch: string,
  ): Promise<DebitReply> {
    const k = this.keysOf(layout, donor);
    const reply = await this.#run.debit(k.campaign, k.count, k.transfers, recipient, amount, epoch);
    return debitOf(donor, recipient, reply);
  }

  /** Transfer step 2, on the recipient: idempotent (see transfer-credit.lua). */
  async credit(layout: ShardLayout, transfer: StockTransfer): Promise<CreditReply> {
    const k = this.keysOf(layout, transfer.recipient);
    const { donor, number, amount, epoch } = transfer;
    const reply = await this.#run.credit(k.campaign, k.transfers, donor, number, amount, epoch);
    return creditOf(reply);
  }

  /** Transfer step 3, on the donor: forgets a credited transfer (compare-and-delete). */
  async clear(layout: ShardLayout, transfer: StockTransfer): Promise<void> {
    const k = this.keysOf(layout, transfer.donor);
    await this.#run.clear(k.transfers, transfer.recipient, transfer.entry);
  }

  async markSoldOut(
    layout: ShardLayout,
    shard: number,
    epoch: string,
    total: number,
  ): Promise<void> {
    await this.#run.markSoldOut(this.keysOf(layout, shard).campaign, epoch, total);
  }

  /** The user's entry in the sub-ledger they route to, with the sub-ledger's readiness. */
  async findGrant(layout: ShardLayout, shard: number, userId: UserId): Promise<GrantLookup> {
    const k = this.keysOf(layout, shard);
    const reply = await this.#run.findGrant(
      ...[k.campaign, k.users, k.issuedAt, k.revoked, k.noMarker, k.count],
      userId,
    );
    const lookup = lookupOf(reply);
    if (lookup.kind === 'held-elsewhere') throw new Error('a sub-ledger answered held-elsewhere');
    if (lookup.kind !== 'granted') return lookup;
    // The sub-ledger's own count is not the campaign's: say nothing rather than something wrong.
    return {
      kind: 'granted',
      sequence: lookup.sequence,
      ...(lookup.issuedAt ? { issuedAt: lookup.issuedAt } : {}),
      ...(lookup.revoked ? { revoked: lookup.revoked } : {}),
    };
  }

  /** What one sub-ledger handed out, or undefined when it holds no rules. */
  async tally(layout: ShardLayout, shard: number): Promise<LedgerTally | undefined> {
    const k = this.keysOf(layout, shard);
    const tally = tallyOf(await this.#run.tally(k.campaign, k.count, k.revoked, k.noMarker));
    if (tally && 'kind' in tally) throw new Error('a sub-ledger answered held-elsewhere');
    return tally;
  }

  /** Revokes a coupon on the sub-ledger its user routes to (see ../revoke.lua). */
  async revoke(
    layout: ShardLayout,
    shard: number,
    coupon: { readonly campaignId: CampaignId; readonly userId: UserId },
    revocation: Revocation,
  ): Promise<RevokeOutcome> {
    const k = this.keysOf(layout, shard);
    const reply = await this.#run.revoke(
      ...[k.campaign, k.users, k.revoked, k.outbox, k.issuedAt],
      ...[
        coupon.campaignId,
        coupon.userId,
        revocation.at.getTime(),
        revocation.returned ? '1' : '0',
      ],
    );
    return revokeOutcomeOf(reply, coupon, revocation);
  }

  /** Holds the sub-ledger's decisions for `ms` (0 releases; see hold-shard.lua). */
  async hold(layout: ShardLayout, shard: number, ms: number): Promise<void> {
    await this.#run.hold(this.keysOf(layout, shard).campaign, ms);
  }

  /** The set of users the sub-ledger lets win (an allowlisted campaign). */
  allowlistKey(layout: ShardLayout, shard: number): string {
    return this.keysOf(layout, shard).allowlist;
  }

  async restore(layout: ShardLayout, shard: number, restored: RestoredShard): Promise<void> {
    const k = this.keysOf(layout, shard);
    const { campaign, base, net, epoch, count, winners, seqBase, extras } = restored;
    await this.#run.restore(
      ...[k.campaign, k.users, k.count, restored.staging, k.transfers],
      ...[k.revoked, extras.revoked, k.allowlist, extras.allowlist],
      ...[encodeRules(campaign), layout.shards, shard, base, net, epoch, count, winners, seqBase],
      ...[extras.revocations, extras.returned, extras.allowlistSize],
    );
  }

  private keysOf(layout: ShardLayout, shard: number): SubLedgerKeys {
    const tag = layout.tags[shard];
    if (tag === undefined) throw new RangeError(`no sub-ledger ${shard} of ${layout.shards}`);
    const keys = this.keys;
    return {
      campaign: keys.campaign(tag),
      users: keys.users(tag),
      count: keys.count(tag),
      outbox: keys.outbox(tag),
      transfers: keys.transfers(tag),
      issuedAt: keys.issuedAt(tag),
      revoked: keys.revoked(tag),
      allowlist: keys.allowlist(tag),
      openingPool: keys.openingPool(tag),
      openingDrawn: keys.openingDrawn(tag),
      noMarker: keys.shardCount(tag),
    };
  }
}
