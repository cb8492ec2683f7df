import type { Campaign } from '../../../domain/campaign.ts';
import type { CampaignId, UserId } from '../../../domain/ids.ts';
import type { RedisConnection } from '../redis-client.ts';
import type { GrantLookup } from '../../../application/ports/issuance-ledger.port.ts';
import { grantLookupOf, rulesOf } from '../ledger-layouts.ts';
import { FIND_GRANT, ISSUED_COUNT, registerScript, type ScriptCall } from '../redis-scripts.ts';
import { baseQuota, type ShardedKeys, type ShardLayout } from './sharded-layout.ts';

type ScriptSource = Parameters<typeof registerScript>[1];

// Paths are relative to ../redis-scripts.ts, which reads them.
const RESERVE_SHARD: ScriptSource = {
  command: 'couponShardReserve',
  file: 'sharded/reserve-shard.lua',
  numberOfKeys: 5,
  fenced: true,
};
const DEFINE_SHARD: ScriptSource = {
  command: 'couponShardDefine',
  file: 'sharded/define-shard.lua',
  numberOfKeys: 2,
  fenced: true,
};
const SHARD_STATE: ScriptSource = {
  command: 'couponShardState',
  file: 'sharded/shard-state.lua',
  numberOfKeys: 3,
  readOnly: true,
};
const TRANSFER_DEBIT: ScriptSource = {
  command: 'couponShardDebit',
  file: 'sharded/transfer-debit.lua',
  numberOfKeys: 3,
};
const TRANSFER_CREDIT: ScriptSource = {
  command: 'couponShardCredit',
  file: 'sharded/transfer-credit.lua',
  numberOfKeys: 2,
};
const TRANSFER_CLEAR: ScriptSource = {
  command: 'couponShardClear',
  file: 'sharded/transfer-clear.lua',
  numberOfKeys: 1,
};
const MARK_SOLD_OUT: ScriptSource = {
  command: 'couponShardSoldOut',
  file: 'sharded/mark-sold-out.lua',
  numberOfKeys: 1,
};
const RESTORE_SHARD: ScriptSource = {
  command: 'couponShardRestore',
  file: 'sharded/restore-shard.lua',
  numberOfKeys: 5,
  fenced: true,
};

/** Reply codes of reserve-shard.lua (see the script's header). */
export const ShardReply = {
  unknownCampaign: 0,
  issued: 1,
  alreadyIssued: 2,
  notOpen: 3,
  closed: 4,
  exhausted: 5,
  staleLayout: 6,
  transferOfAnotherEpoch: 7,
  notReady: 8,
} as const;

/** A transfer of stock from one sub-ledger to another, as journaled by the donor. */
export interface StockTransfer {
  readonly donor: number;
  readonly recipient: number;
  /** The journal entry exactly as stored: `<number>:<amount>:<epoch>`. */
  readonly entry: string;
  readonly number: number;
  readonly amount: number;
  readonly epoch: string;
}

/** One sub-ledger's stock, read atomically. */
export interface ShardState {
  readonly epoch: string;
  readonly total: number;
  /** base + net: how many grants this sub-ledger may have made in all. */
  readonly quota: number;
  /** Grants made (the local sequence counter). */
  readonly count: number;
  /** Transfers this sub-ledger debited that may not be credited yet. */
  readonly outgoing: readonly StockTransfer[];
}

export type DebitReply =
  | { readonly kind: 'debited'; readonly transfer: StockTransfer }
  /** A transfer to the same recipient is still in flight: complete it first. */
  | { readonly kind: 'pending'; readonly transfer: StockTransfer }
  | { readonly kind: 'no-spare' }
  | { readonly kind: 'unknown' }
  | { readonly kind: 'other-epoch' };

/** What `credit` did: credited now, credited before (a replay), or could not (see the script). */
export type CreditReply = 'credited' | 'already-credited' | 'recipient-unknown' | 'other-epoch';

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

/**
 * The sub-ledger scripts, each bound to the keys of one sub-ledger (one slot), with typed replies.
 * Every multi-key script touches one sub-ledger only: a transfer is three scripts on two slots,
 * which is why it needs the journal (see RedisShardedIssuanceLedger).
 */
export class SubLedgerCommands {
  readonly #reserve: ScriptCall;
  readonly #define: ScriptCall;
  readonly #state: ScriptCall;
  readonly #debit: ScriptCall;
  readonly #credit: ScriptCall;
  readonly #clear: ScriptCall;
  readonly #markSoldOut: ScriptCall;
  readonly #restore: ScriptCall;
  readonly #issuedCount: ScriptCall;
  readonly #findGrant: ScriptCall;

  constructor(
    redis: RedisConnection,
    private readonly keys: ShardedKeys,
  ) {
    this.#reserve = registerScript(redis, RESERVE_SHARD);
    this.#define = registerScript(redis, DEFINE_SHARD);
    this.#state = registerScript(redis, SHARD_STATE);
    this.#debit = registerScript(redis, TRANSFER_DEBIT);
    this.#credit = registerScript(redis, TRANSFER_CREDIT);
    this.#clear = registerScript(redis, TRANSFER_CLEAR);
    this.#markSoldOut = registerScript(redis, MARK_SOLD_OUT);
    this.#restore = registerScript(redis, RESTORE_SHARD);
    this.#issuedCount = registerScript(redis, ISSUED_COUNT);
    this.#findGrant = registerScript(redis, FIND_GRANT);
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
  ): Promise<[number, number]> {
    const tag = tagOf(layout, shard);
    const transfer = credit ? [credit.donor, credit.number, credit.amount, credit.epoch] : [];
    const reply = await this.#reserve(
      this.keys.campaign(tag),
      this.keys.users(tag),
      this.keys.count(tag),
      this.keys.outbox(tag),
      this.keys.transfers(tag),
      campaignId,
      userId,
      at,
      layout.shards,
      shard,
      ...transfer,
    );
    if (Array.isArray(reply) && reply.length === 2) {
      const [code, value] = reply as unknown[];
      if (typeof code === 'number' && typeof value === 'number') return [code, value];
    }
    throw new Error(`reserve-shard.lua answered ${JSON.stringify(reply)}`);
  }

  /** Writes the sub-ledger's rules and base quota; returns its spare stock (negative: a debt). */
  async define(
    layout: ShardLayout,
    shard: number,
    campaign: Campaign,
    epoch: string,
  ): Promise<number> {
    const tag = tagOf(layout, shard);
    const rules = rulesOf(campaign);
    const reply = await this.#define(
      this.keys.campaign(tag),
      this.keys.count(tag),
      rules.name,
      rules.total,
      rules.perUser,
      rules.startsAt,
      rules.endsAt,
      layout.shards,
      shard,
      baseQuota(campaign.totalQuantity, layout.shards, shard),
      epoch,
    );
    return integer(reply, 'define-shard.lua');
  }

  /** The sub-ledger's stock, or undefined when it holds no rules. */
  async state(layout: ShardLayout, shard: number): Promise<ShardState | undefined> {
    const tag = tagOf(layout, shard);
    const reply = await this.#state(
      this.keys.campaign(tag),
      this.keys.count(tag),
      this.keys.transfers(tag),
    );
    if (!Array.isArray(reply)) throw new Error('malformed shard-state.lua reply');
    if (reply.length === 0) return undefined;
    const [epoch, total, quota, count, transfers] = reply as unknown[];
    if (
      typeof epoch !== 'string' ||
      typeof total !== 'number' ||
      typeof quota !== 'number' ||
      typeof count !== 'number' ||
      !Array.isArray(transfers)
    ) {
      throw new Error(`malformed shard-state.lua reply ${JSON.stringify(reply)}`);
    }
    const outgoing: StockTransfer[] = [];
    const fields = transfers as unknown[];
    for (let i = 0; i + 1 < fields.length; i += 2) {
      const field = String(fields[i]);
      if (!field.startsWith('out:')) continue;
      outgoing.push(transferOf(shard, Number(field.slice(4)), String(fields[i + 1])));
    }
    return { epoch, total, quota, count, outgoing };
  }

  /** Transfer step 1, on the donor (see transfer-debit.lua). */
  async debit(
    layout: ShardLayout,
    donor: number,
    recipient: number,
    amount: number,
    epoch: string,
  ): Promise<DebitReply> {
    const tag = tagOf(layout, donor);
    const reply = await this.#debit(
      this.keys.campaign(tag),
      this.keys.count(tag),
      this.keys.transfers(tag),
      recipient,
      amount,
      epoch,
    );
    const [code, entry] = Array.isArray(reply) ? (reply as unknown[]) : [];
    switch (code) {
      case 0:
        return { kind: 'unknown' };
      case 1:
        return { kind: 'debited', transfer: transferOf(donor, recipient, String(entry)) };
      case 2:
        return { kind: 'pending', transfer: transferOf(donor, recipient, String(entry)) };
      case 3:
        return { kind: 'no-spare' };
      case 4:
        return { kind: 'other-epoch' };
      default:
        throw new Error(`transfer-debit.lua answered ${JSON.stringify(reply)}`);
    }
  }

  /** Transfer step 2, on the recipient: idempotent (see transfer-credit.lua). */
  async credit(layout: ShardLayout, transfer: StockTransfer): Promise<CreditReply> {
    const tag = tagOf(layout, transfer.recipient);
    const reply = await this.#credit(
      this.keys.campaign(tag),
      this.keys.transfers(tag),
      transfer.donor,
      transfer.number,
      transfer.amount,
      transfer.epoch,
    );
    switch (reply) {
      case 1:
        return 'credited';
      case 2:
        return 'already-credited';
      case 0:
        return 'recipient-unknown';
      case -1:
        return 'other-epoch';
      default:
        throw new Error(`transfer-credit.lua answered ${JSON.stringify(reply)}`);
    }
  }

  /** Transfer step 3, on the donor: forgets a credited transfer (compare-and-delete). */
  async clear(layout: ShardLayout, transfer: StockTransfer): Promise<void> {
    await this.#clear(
      this.keys.transfers(tagOf(layout, transfer.donor)),
      transfer.recipient,
      transfer.entry,
    );
  }

  async markSoldOut(
    layout: ShardLayout,
    shard: number,
    epoch: string,
    total: number,
  ): Promise<void> {
    await this.#markSoldOut(this.keys.campaign(tagOf(layout, shard)), epoch, total);
  }

  /** Grants on one sub-ledger, or undefined when it holds no rules. */
  /** The user's entry in the sub-ledger they route to, with the sub-ledger's readiness. */
  async findGrant(layout: ShardLayout, shard: number, userId: UserId): Promise<GrantLookup> {
    const tag = tagOf(layout, shard);
    return grantLookupOf(
      await this.#findGrant(this.keys.campaign(tag), this.keys.users(tag), userId),
    );
  }

  async issuedCount(layout: ShardLayout, shard: number): Promise<number | undefined> {
    const tag = tagOf(layout, shard);
    const reply = await this.#issuedCount(this.keys.campaign(tag), this.keys.count(tag));
    if (reply === -1) return undefined;
    return integer(reply, 'issued-count.lua');
  }

  async restore(layout: ShardLayout, shard: number, restored: RestoredShard): Promise<void> {
    const tag = tagOf(layout, shard);
    const rules = rulesOf(restored.campaign);
    await this.#restore(
      this.keys.campaign(tag),
      this.keys.users(tag),
      this.keys.count(tag),
      restored.staging,
      this.keys.transfers(tag),
      rules.name,
      rules.total,
      rules.perUser,
      rules.startsAt,
      rules.endsAt,
      layout.shards,
      shard,
      restored.base,
      restored.net,
      restored.epoch,
      restored.count,
      restored.winners,
      restored.seqBase,
    );
  }
}

function tagOf(layout: ShardLayout, shard: number) {
  const tag = layout.tags[shard];
  if (tag === undefined) throw new RangeError(`no sub-ledger ${shard} of ${layout.shards}`);
  return tag;
}

/** `<number>:<amount>:<epoch>` as transfer-debit.lua writes it. */
function transferOf(donor: number, recipient: number, entry: string): StockTransfer {
  const [number, amount, ...epoch] = entry.split(':');
  const transfer = {
    donor,
    recipient,
    entry,
    number: Number(number),
    amount: Number(amount),
    epoch: epoch.join(':'),
  };
  if (
    !Number.isSafeInteger(transfer.number) ||
    !Number.isSafeInteger(transfer.amount) ||
    !Number.isSafeInteger(recipient) ||
    transfer.amount < 1 ||
    transfer.epoch === ''
  ) {
    throw new Error(`malformed transfer journal entry ${entry} (to ${recipient})`);
  }
  return transfer;
}

function integer(reply: unknown, script: string): number {
  if (typeof reply === 'number' && Number.isSafeInteger(reply)) return reply;
  throw new Error(`${script} answered ${JSON.stringify(reply)}`);
}
