import type { GrantLookup } from '../../../application/ports/issuance-ledger.port.ts';
import type { Campaign } from '../../../domain/campaign.ts';
import type { CampaignId, UserId } from '../../../domain/ids.ts';
import type { RedisConnection } from '../redis-client.ts';
import {
  decisionOf,
  issuedCountOf,
  lookupOf,
  encodeRules,
  type ScriptDecision,
} from '../ledger-codec.ts';
import { registerCampaign } from '../redis-outbox-stream.ts';
import {
  FIND_GRANT,
  ISSUED_COUNT,
  registerScript,
  script,
  type ScriptCall,
} from '../redis-scripts.ts';
import { baseQuota, type ShardedKeys, type ShardLayout } from './sharded-layout.ts';
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
  reserve: script('couponShardReserve', 'sharded/reserve-shard.lua', 5),
  define: script('couponShardDefine', 'sharded/define-shard.lua', 2),
  state: script('couponShardState', 'sharded/shard-state.lua', 3, 'read-only'),
  debit: script('couponShardDebit', 'sharded/transfer-debit.lua', 3),
  credit: script('couponShardCredit', 'sharded/transfer-credit.lua', 2),
  clear: script('couponShardClear', 'sharded/transfer-clear.lua', 1),
  markSoldOut: script('couponShardSoldOut', 'sharded/mark-sold-out.lua', 1),
  restore: script('couponShardRestore', 'sharded/restore-shard.lua', 5),
  issuedCount: ISSUED_COUNT,
  findGrant: FIND_GRANT,
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
}

/** One sub-ledger's keys: one hash tag, hence one slot. */
interface SubLedgerKeys {
  readonly campaign: string;
  readonly users: string;
  readonly count: string;
  readonly outbox: string;
  readonly transfers: string;
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
   * sub-ledger first, in the same step (see reserve-shard.lua).
   */
  async reserve(
    layout: ShardLayout,
    shard: number,
    campaignId: CampaignId,
    userId: UserId,
    at: number,
    credit?: StockTransfer,
  ): Promise<ScriptDecision> {
    const k = this.keysOf(layout, shard);
    const transfer = credit ? [credit.donor, credit.number, credit.amount, credit.epoch] : [];
    const reply = await this.#run.reserve(
      ...[k.campaign, k.users, k.count, k.outbox, k.transfers],
      ...[campaignId, userId, at, layout.shards, shard, ...transfer],
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
    const lookup = lookupOf(await this.#run.findGrant(k.campaign, k.users, userId));
    if (lookup.kind === 'held-elsewhere') throw new Error('a sub-ledger answered held-elsewhere');
    return lookup;
  }

  /** Grants on one sub-ledger, or undefined when it holds no rules. */
  async issuedCount(layout: ShardLayout, shard: number): Promise<number | undefined> {
    const k = this.keysOf(layout, shard);
    // A sub-ledger is never laid out further: its own marker key never exists.
    const marker = this.keys.shardCount(layout.tags[shard]!);
    const count = issuedCountOf(await this.#run.issuedCount(k.campaign, k.count, marker));
    if (count === 'held-elsewhere') throw new Error('a sub-ledger answered held-elsewhere');
    return count;
  }

  async restore(layout: ShardLayout, shard: number, restored: RestoredShard): Promise<void> {
    const k = this.keysOf(layout, shard);
    const { campaign, base, net, epoch, count, winners, seqBase } = restored;
    await this.#run.restore(
      ...[k.campaign, k.users, k.count, restored.staging, k.transfers],
      ...[encodeRules(campaign), layout.shards, shard, base, net, epoch, count, winners, seqBase],
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
    };
  }
}
