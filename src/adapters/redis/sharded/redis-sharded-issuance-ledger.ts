import { randomUUID } from 'node:crypto';
import type {
  GrantLookup,
  IssuanceLedger,
  LedgerLayout,
  Reservation,
} from '../../../application/ports/issuance-ledger.port.ts';
import type { Campaign } from '../../../domain/campaign.ts';
import type { Coupon } from '../../../domain/coupon.ts';
import type { CampaignId, UserId } from '../../../domain/ids.ts';
import type { RedisConnection } from '../redis-client.ts';
import type { GrantDurability } from '../replica-acknowledgement.ts';
import { orUnavailable } from '../redis-errors.ts';
import { LedgerLayouts, parseShardCount } from '../ledger-layouts.ts';
import { DEFAULT_KEY_PREFIX } from '../redis-keys.ts';
import { registerCampaign } from '../redis-outbox-stream.ts';
import {
  baseQuota,
  layoutOf,
  MAX_SEQUENCE,
  MAX_SHARDS,
  sequenceSlot,
  ShardedKeys,
  shardOf,
  shardsFor,
  validShardCount,
  type ShardLayout,
} from './sharded-layout.ts';
import {
  ShardReply,
  SubLedgerCommands,
  type ShardState,
  type StockTransfer,
} from './sub-ledger-commands.ts';

export interface RedisShardedIssuanceLedgerOptions {
  /**
   * Sub-ledgers of a campaign this ledger defines or restores (1..64). A campaign keeps the
   * number it was defined with (stored with it), whatever later processes are configured with;
   * rebuild-ledger lays it out again with the configured number.
   */
  readonly shards: number;
  /** Namespace of every key (default `coupon:`); must match the outbox's. */
  readonly keyPrefix?: string;
  /** Holds each grant until it is durable enough (replicas, see ReplicaAcknowledgement). */
  readonly grantDurability?: GrantDurability | undefined;
  /**
   * Rebalances one application may go through before it gives up with LedgerUnavailableError
   * (503, never a guess). Contention at the very end of a drop settles in a few.
   */
  readonly maxRebalances?: number;
}

/** One application waiting for stock: the rebalance it started decides it on the stock it moved. */
interface Applicant {
  readonly userId: UserId;
  readonly at: number;
}

type RebalanceOutcome =
  | 'retry'
  | 'sold-out'
  | 'unknown-campaign'
  /** The applicant's own answer, decided on its sub-ledger together with the transfer's credit. */
  | { readonly reply: [number, number] };

const MAX_REBALANCES = 64;
/** Winners written per HSET while staging a restore (as the unsharded ledger does). */
const RESTORE_BATCH = 1000;
const RESTORE_STAGING_TTL_MS = 10 * 60_000;
/** Campaign layouts remembered per process; ids come from callers, so the map is bounded. */
const MAX_REMEMBERED = 10_000;

/**
 * Sharded-stock mode: one hot campaign beyond one Redis shard.
 *
 * An ordinary ledger keeps a campaign on one hash tag, so every decision of that campaign runs on
 * the one Redis master owning its slot, whatever the size of the cluster. Here the campaign's
 * quantity is split across N sub-ledgers with different hash tags (spread over the slot space,
 * hence over the masters: see `subLedgerTags`):
 *
 * - **Routing.** A user always applies at sub-ledger `shardOf(userId, N)`. Their winner entry
 *   lives there, so one coupon per user and "already issued first" hold exactly as in one ledger:
 *   one Lua script per application, on one slot (reserve-shard.lua).
 * - **Quotas.** Sub-ledger i may grant up to its quota `base_i + net_i`: `base_i` is its even
 *   share of the total, `net_i` the stock transferred in minus out. Invariant, at every instant:
 *   Σ quota_i + Σ (stock journaled as leaving a donor and not yet credited) = total. Since each
 *   sub-ledger grants only below its quota, Σ grants ≤ Σ quota ≤ total: G1 never breaks, not even
 *   for a moment, not under any crash (a crash only leaves stock in a journal: under-issue).
 * - **Rebalancing.** When the user's sub-ledger has used its quota, the application reads every
 *   sub-ledger's stock and (a) completes any transfer journaled and not yet credited, (b) answers
 *   sold-out if the grants add up to the total, else (c) moves stock from the sub-ledger with the
 *   most spare (half of it, at least what is needed). A transfer is three scripts: debit the
 *   donor + journal entry (one atomic step on the donor's slot), credit the recipient
 *   (idempotent by transfer number), clear the journal entry (compare-and-delete). The
 *   application that moved the stock is decided in the SAME script as the credit, so two empty
 *   sub-ledgers cannot pass the last coupons back and forth without anyone getting them.
 *   Concurrent applications waiting on one sub-ledger share one rebalance per process.
 * - **Sold-out** is answered only when the grants of every sub-ledger, read under the same rules,
 *   add up to the total: grants only grow, so the sum read over several reads is a lower bound of
 *   the sum at the last read, and reaching the total means no stock is left anywhere (nor in
 *   transit). That is marked on every sub-ledger, so later applications are answered in one call.
 *   Until then a user whose sub-ledger is empty is served from another's stock: the campaign
 *   issues exactly its total while applications keep coming.
 * - **Sequences** are unique in the campaign but NOT gap-free: sub-ledger i hands out
 *   i+1, i+1+N, i+1+2N, … (sequence = (local − 1) × N + i + 1), and may exceed the total.
 * - **Outbox.** Each sub-ledger appends its grants to its own stream (registered with the relay),
 *   with the PARENT campaign id: the relay, the event log and the consumer see ordinary coupons.
 *
 * Crash safety of a transfer: debit and journal entry are one script, so stock that left the
 * donor is always either journaled or credited. The credit marks the transfer number as credited
 * in the same script, so replaying it is a no-op; at most one transfer per (donor, recipient) is
 * in flight and numbers increase, so "number ≤ last credited" is exact. Any rebalance of the
 * campaign, by any process, replays every journal entry it sees; the recipient was empty when its
 * transfer began, so its next application rebalances and recovers the stock. A restore wipes the
 * journals and changes the epoch that every entry carries: nothing journaled before a restore can
 * be credited after it.
 *
 * Not covered (as for the unsharded ledger): Redis replication is asynchronous, so a failover can
 * lose acknowledged writes. A lost debit whose credit survived on another master would add stock;
 * a deployment with replicas should add `WAIT 1` on the donor between debit and credit (or run
 * with `min-replicas-to-write`), as it should for grants.
 *
 * Every failure to reach Redis (or to read its reply) is thrown as LedgerUnavailableError.
 */
export class RedisShardedIssuanceLedger implements IssuanceLedger {
  readonly #keys: ShardedKeys;
  readonly #layoutsOf: LedgerLayouts;
  readonly #commands: SubLedgerCommands;
  readonly #shards: number;
  readonly #maxRebalances: number;
  readonly #layouts = new Map<CampaignId, ShardLayout>();
  /** Rebalances in flight in this process, per sub-ledger: concurrent applications share one. */
  readonly #rebalancing = new Map<string, Promise<RebalanceOutcome>>();
  readonly #durability: GrantDurability | undefined;

  constructor(
    private readonly redis: RedisConnection,
    options: RedisShardedIssuanceLedgerOptions,
  ) {
    if (!Number.isInteger(options.shards) || options.shards < 1 || options.shards > MAX_SHARDS) {
      throw new RangeError(`shards must be a whole number from 1 to ${MAX_SHARDS}`);
    }
    this.#shards = options.shards;
    this.#maxRebalances = options.maxRebalances ?? MAX_REBALANCES;
    this.#keys = new ShardedKeys(options.keyPrefix ?? DEFAULT_KEY_PREFIX);
    this.#commands = new SubLedgerCommands(redis, this.#keys);
    this.#layoutsOf = new LedgerLayouts(redis, this.#keys);
    this.#durability = options.grantDurability;
  }

  /**
   * The first definition fixes the campaign's number of sub-ledgers (stored on the campaign's
   * own slot); a later one keeps it, rewrites every sub-ledger's rules and base share, and keeps
   * grants and transfers. When a lower total leaves a sub-ledger with more grants than its new
   * quota, that debt is covered from the others' spare before define returns. Each sub-ledger is
   * written atomically (not the campaign as a whole), and each base share moves monotonically
   * with the total, so while a redefinition is under way the cap in force lies between the old
   * and the new total.
   */
  async define(campaign: Campaign): Promise<void> {
    await orUnavailable(async () => {
      const wanted = shardsFor(this.#shards, campaign.totalQuantity);
      const stored = await this.redis.call(
        'SET',
        this.#keys.shardCount(campaign.id),
        wanted,
        'NX',
        'GET',
      );
      const shards = stored === null ? wanted : parseShardCount(stored);
      if (shards === undefined) throw new Error(`malformed shard count ${String(stored)}`);
      if (shards * campaign.totalQuantity > MAX_SEQUENCE) {
        throw new RangeError(
          `campaign ${campaign.id} has ${shards} sub-ledgers: at most ${Math.floor(MAX_SEQUENCE / shards)} coupons`,
        );
      }
      const layout = layoutOf(campaign.id, shards);
      // Relay first, rules last: once a sub-ledger can grant, the relay already reads its stream.
      await this.registerWithRelay(layout);
      const epoch = randomUUID();
      const spares = await Promise.all(
        layout.tags.map((_, shard) => this.#commands.define(layout, shard, campaign, epoch)),
      );
      this.remember(layout);
      if (spares.some((spare) => spare < 0)) await this.coverDebts(layout);
    });
  }

  async reserve(campaignId: CampaignId, userId: UserId, now: Date): Promise<Reservation> {
    const at = now.getTime();
    if (!Number.isSafeInteger(at)) throw new TypeError('reserve needs a valid date');
    return orUnavailable(async () => {
      const remembered = this.#layouts.get(campaignId);
      let layout = remembered ?? (await this.storedLayout(campaignId));
      if (!layout) return { kind: 'unknown-campaign' };
      let fresh = remembered === undefined;
      let decided: [number, number] | undefined;
      for (let steps = 0; steps <= this.#maxRebalances; steps++) {
        const shard = shardOf(userId, layout.shards);
        const [code, value] =
          decided ?? (await this.#commands.reserve(layout, shard, campaignId, userId, at));
        decided = undefined;
        switch (code) {
          case ShardReply.issued:
            this.remember(layout);
            if (this.#durability) await this.#durability.confirm();
            return {
              kind: 'issued',
              coupon: { campaignId, userId, sequence: value, issuedAt: now },
            };
          case ShardReply.alreadyIssued:
            return { kind: 'already-issued' };
          case ShardReply.notOpen:
            return { kind: 'not-open', opensAt: new Date(value) };
          case ShardReply.closed:
            return { kind: 'closed', closedAt: new Date(value) };
          case ShardReply.unknownCampaign: {
            // A remembered layout may be stale (rebuilt with another number of sub-ledgers):
            // look at the stored one once before answering that the campaign is unknown.
            this.#layouts.delete(campaignId);
            if (fresh) return { kind: 'unknown-campaign' };
            fresh = true;
            const stored = await this.storedLayout(campaignId);
            if (!stored || stored.shards === layout.shards) return { kind: 'unknown-campaign' };
            layout = stored;
            continue;
          }
          case ShardReply.staleLayout: {
            // The sub-ledger knows the campaign's real number of sub-ledgers: route with it.
            if (value === layout.shards || !validShardCount(value)) {
              throw new Error(`sub-ledger of ${campaignId} answered a stale layout of ${value}`);
            }
            layout = this.remember(layoutOf(campaignId, value));
            continue;
          }
          case ShardReply.exhausted: {
            this.remember(layout);
            if (value === 1) return { kind: 'sold-out' };
            const outcome = await this.rebalanceShared(layout, shard, { userId, at });
            if (outcome === 'retry') continue;
            if (typeof outcome === 'object') {
              decided = outcome.reply;
              continue;
            }
            return { kind: outcome };
          }
          case ShardReply.transferOfAnotherEpoch:
            continue;
          case ShardReply.notReady:
            return { kind: 'not-ready' };
          default:
            throw new Error(`reserve-shard.lua answered an unknown code ${code}`);
        }
      }
      throw new Error(
        `campaign ${campaignId}: stock did not settle after ${this.#maxRebalances} rebalances`,
      );
    });
  }

  async findGrant(campaignId: CampaignId, userId: UserId): Promise<GrantLookup> {
    return orUnavailable(async () => {
      const layout = this.#layouts.get(campaignId) ?? (await this.storedLayout(campaignId));
      if (!layout) return { kind: 'unknown-campaign' };
      const lookup = await this.#commands.findGrant(layout, shardOf(userId, layout.shards), userId);
      if (lookup.kind !== 'unknown-campaign') return lookup;
      // A sub-ledger without rules: lost, or a stale remembered layout. Not an answer.
      this.#layouts.delete(campaignId);
      return { kind: 'not-ready' };
    });
  }

  winners(campaignId: CampaignId): Promise<ReadonlyMap<UserId, number>> {
    return orUnavailable(() => this.#layoutsOf.winners(campaignId));
  }

  fence(campaignId: CampaignId): Promise<void> {
    return orUnavailable(() => this.#layoutsOf.fence(campaignId));
  }

  layout(campaignId: CampaignId): Promise<LedgerLayout> {
    return orUnavailable(() => this.#layoutsOf.layout(campaignId, 'sharded'));
  }

  claimReconcile(campaignId: CampaignId, ttlMs: number): Promise<boolean> {
    return orUnavailable(() => this.#layoutsOf.claim(campaignId, ttlMs));
  }

  releaseReconcile(campaignId: CampaignId): Promise<void> {
    return orUnavailable(() => this.#layoutsOf.release(campaignId));
  }

  /**
   * Coupons granted: the sum of every sub-ledger's grants (after a restore, holes in the record
   * included). Undefined when the campaign or any of its sub-ledgers holds no rules: a partly
   * lost campaign is not ready (fail closed).
   */
  async issuedCount(campaignId: CampaignId): Promise<number | undefined> {
    return orUnavailable(async () => {
      const layout = await this.storedLayout(campaignId);
      if (!layout) return undefined;
      const counts = await Promise.all(
        layout.tags.map((_, shard) => this.#commands.issuedCount(layout, shard)),
      );
      let total = 0;
      for (const count of counts) {
        if (count === undefined) return undefined;
        total += count;
      }
      return total;
    });
  }

  /**
   * Rebuilds the campaign from the durable record with the CONFIGURED number of sub-ledgers
   * (which is also how a campaign changes its number: rebuild it). Each winner goes to the
   * sub-ledger its user routes to, and counts there as a grant. Each sub-ledger's next sequence
   * lies above every restored sequence of its sequence space, so none is handed out again. A
   * hole in the record (a sequence missing below the highest of its sub-ledger's space, judged
   * in the layout that handed it out) counts as granted, as the unsharded ledger counts up to
   * the highest sequence: a grant whose event was lost with Redis is never given to a second
   * user. The rest of the total is split evenly. Journals are emptied and a new epoch voids any
   * transfer in flight.
   *
   * Each sub-ledger is swapped atomically, the campaign as a whole is not: run it while the
   * campaign is not issuing (after Redis lost it, it answers LEDGER_NOT_READY anyway; after a
   * partial loss of a cluster, the surviving sub-ledgers still issue, and grants they make
   * between reading the record and this swap would be forgotten: stop the API first).
   * Idempotent. Does NOT append to the outbox. Sub-ledgers of an older layout are deleted, their
   * outbox streams are not (the relay still drains them).
   */
  async restore(campaign: Campaign, coupons: readonly Coupon[]): Promise<void> {
    const shards = shardsFor(this.#shards, campaign.totalQuantity);
    const layout = layoutOf(campaign.id, shards);
    const winners = layout.tags.map(() => new Map<UserId, number>());
    for (const coupon of coupons) {
      winners[shardOf(coupon.userId, shards)]?.set(coupon.userId, coupon.sequence);
    }
    const sequences = winners.flatMap((map) => [...map.values()]);
    // The highest local index restored in each sub-ledger's sequence space: grants go above.
    const highest = highestLocals(sequences, shards);
    const epoch = randomUUID();
    await orUnavailable(async () => {
      // A plain ledger of the campaign stops deciding before anything is read (the caller merged
      // its winners in): one live ledger per campaign.
      await this.#layoutsOf.fence(campaign.id);
      const previous = parseShardCount(await this.redis.get(this.#keys.shardCount(campaign.id)));
      // Holes, judged in the layout that handed the sequences out (the previous one when known):
      // grants whose events were lost together with the ledger. They still count as granted.
      const produced = highestLocals(sequences, previous ?? shards);
      const holes = Math.max(0, sum(produced) - sequences.length);
      const counts = winners.map((map, shard) => map.size + baseQuota(holes, shards, shard));
      const remaining = campaign.totalQuantity - sum(counts);
      const staging = await Promise.all(
        layout.tags.map((tag, shard) =>
          this.stage(tag, winners[shard] ?? new Map<UserId, number>()),
        ),
      );
      await this.registerWithRelay(layout);
      await Promise.all(
        layout.tags.map((_, shard) => {
          const count = counts[shard] ?? 0;
          // Σ quota = total exactly; an over-full record leaves a debt on sub-ledger 0 instead.
          const share =
            remaining >= 0 ? baseQuota(remaining, shards, shard) : shard === 0 ? remaining : 0;
          const base = baseQuota(campaign.totalQuantity, shards, shard);
          return this.#commands.restore(layout, shard, {
            campaign,
            base,
            net: count + share - base,
            epoch,
            count,
            seqBase: (highest[shard] ?? 0) - count,
            staging: staging[shard] ?? '',
            winners: winners[shard]?.size ?? 0,
          });
        }),
      );
      // The switch, in one step on the campaign's slot: the layout marker in, the plain ledger's
      // keys out, so a plain-mode process finds no rules and answers LEDGER_NOT_READY.
      await this.redis
        .multi()
        .set(this.#keys.shardCount(campaign.id), shards)
        .del(
          this.#keys.campaign(campaign.id),
          this.#keys.users(campaign.id),
          this.#keys.count(campaign.id),
        )
        .exec();
      this.remember(layout);
      if (previous !== undefined && previous !== shards) {
        const current = new Set<string>(layout.tags);
        const stale = layoutOf(campaign.id, previous).tags.filter((tag) => !current.has(tag));
        await Promise.all(
          stale.map((tag) =>
            this.redis.del(
              this.#keys.campaign(tag),
              this.#keys.users(tag),
              this.#keys.count(tag),
              this.#keys.transfers(tag),
            ),
          ),
        );
      }
    });
  }

  /**
   * Completes every transfer in flight (e.g. one whose process died between debit and credit).
   * For operators and tests: applications do this by themselves whenever they need stock.
   */
  async settle(campaignId: CampaignId): Promise<void> {
    await orUnavailable(async () => {
      const layout = await this.storedLayout(campaignId);
      if (!layout) return;
      const states = await this.states(layout);
      if (!states) return;
      await Promise.all(
        states.flatMap((state) => state.outgoing).map((t) => this.complete(layout, t)),
      );
    });
  }

  /**
   * One sub-ledger after the other: XGROUPs on several slots issued at once could share an
   * auto-pipeline sent to one node of a cluster (see createRedisCluster).
   */
  private async registerWithRelay(layout: ShardLayout): Promise<void> {
    for (const tag of layout.tags) await registerCampaign(this.redis, this.#keys, tag);
  }

  private async stage(tag: ShardLayout['tags'][number], winners: Map<UserId, number>) {
    const staging = this.#keys.restoring(tag, randomUUID());
    const flat = [...winners].flat();
    for (let i = 0; i < flat.length; i += RESTORE_BATCH * 2) {
      await this.redis.hset(staging, ...flat.slice(i, i + RESTORE_BATCH * 2));
      // Expiry right after the first write: a restore that dies half-way leaves nothing behind.
      if (i === 0) await this.redis.pexpire(staging, RESTORE_STAGING_TTL_MS);
    }
    return staging;
  }

  /**
   * One rebalance per sub-ledger at a time in this process. The application that starts it is
   * decided on the stock it moves; the others waiting meanwhile then apply again.
   */
  private async rebalanceShared(
    layout: ShardLayout,
    shard: number,
    applicant: Applicant,
  ): Promise<RebalanceOutcome> {
    const key = `${layout.campaignId}#${layout.shards}#${shard}`;
    const running = this.#rebalancing.get(key);
    if (running) {
      const outcome = await running;
      return typeof outcome === 'object' ? 'retry' : outcome;
    }
    const started = this.rebalance(layout, shard, applicant).finally(() =>
      this.#rebalancing.delete(key),
    );
    this.#rebalancing.set(key, started);
    return started;
  }

  /**
   * Brings stock to sub-ledger `recipient`, or finds that there is none left anywhere. With an
   * applicant, the last transfer's credit and the applicant's decision are one script.
   */
  private async rebalance(
    layout: ShardLayout,
    recipient: number,
    applicant?: Applicant,
  ): Promise<RebalanceOutcome> {
    const states = await this.states(layout);
    if (!states) return 'unknown-campaign';
    const [first] = states;
    if (!first) return 'unknown-campaign';
    // A redefinition or a restore is being written: decide nothing from a mix of rules.
    if (!states.every((state) => state.epoch === first.epoch && state.total === first.total)) {
      await pause();
      return 'retry';
    }
    // (a) Stock in transit (a transfer under way elsewhere, or one whose process died): finish it.
    const inFlight = states.flatMap((state) => state.outgoing);
    if (inFlight.length > 0) {
      await Promise.all(inFlight.map((transfer) => this.complete(layout, transfer)));
      return 'retry';
    }
    // (b) Every sub-ledger's grants add up to the total: sold out for good, under these rules.
    const granted = states.reduce((total, state) => total + state.count, 0);
    if (granted >= first.total) {
      await Promise.all(
        states.map((_, shard) =>
          this.#commands.markSoldOut(layout, shard, first.epoch, first.total),
        ),
      );
      return 'sold-out';
    }
    // (c) Stock arrived meanwhile (another process moved some here).
    const mine = states[recipient];
    if (!mine) return 'unknown-campaign';
    if (mine.quota > mine.count) return 'retry';
    // (d) Move stock from the richest sub-ledgers: half of a donor's spare (the other half stays
    // for its own users), at least this sub-ledger's debt plus one.
    let needed = mine.count - mine.quota + 1;
    const donors = states
      .map((state, shard) => ({ shard, spare: state.quota - state.count }))
      .filter((donor) => donor.shard !== recipient && donor.spare > 0)
      .sort((a, b) => b.spare - a.spare);
    if (donors.length === 0) {
      // Grants are short of the total, yet no spare was seen: stock moved between our reads.
      await pause();
      return 'retry';
    }
    for (const donor of donors) {
      const amount = Math.min(donor.spare, Math.max(needed, Math.ceil(donor.spare / 2)));
      const debit = await this.#commands.debit(layout, donor.shard, recipient, amount, first.epoch);
      if (debit.kind === 'no-spare') continue;
      if (debit.kind !== 'debited' && debit.kind !== 'pending') return 'retry';
      needed -= debit.transfer.amount;
      if (applicant && needed <= 0) {
        // Credit and decide in one step: the stock cannot be moved away before the application
        // that moved it has its answer. Then forget the journal entry (it is credited).
        const reply = await this.#commands.reserve(
          layout,
          recipient,
          layout.campaignId,
          applicant.userId,
          applicant.at,
          debit.transfer,
        );
        // Codes 1..5 come after the credit in the script; 0, 6 and 7 return before it (nothing
        // credited): then the entry must stay in the journal for a later replay.
        if (reply[0] >= ShardReply.issued && reply[0] <= ShardReply.exhausted) {
          await this.#commands.clear(layout, debit.transfer);
        }
        return { reply };
      }
      await this.complete(layout, debit.transfer);
      if (needed <= 0) return 'retry';
    }
    return 'retry';
  }

  /** Transfer steps 2 and 3: idempotent, safe to run from any process, any number of times. */
  private async complete(layout: ShardLayout, transfer: StockTransfer): Promise<void> {
    const credited = await this.#commands.credit(layout, transfer);
    // Not credited (recipient lost, or another epoch): the entry stays, the stock stays out of
    // every quota (under-issue, never over-issue) until a restore replaces the journals.
    if (credited === 'credited' || credited === 'already-credited') {
      await this.#commands.clear(layout, transfer);
    }
  }

  /** After a lower total: moves spare stock to the sub-ledgers left with more grants than quota. */
  private async coverDebts(layout: ShardLayout): Promise<void> {
    for (let round = 0; round < this.#maxRebalances; round++) {
      const states = await this.states(layout);
      if (!states) return;
      const debtor = states.findIndex((state) => state.count > state.quota);
      const granted = states.reduce((total, state) => total + state.count, 0);
      const total = states[0]?.total ?? 0;
      if (debtor < 0 || granted >= total) return;
      await this.rebalance(layout, debtor);
    }
  }

  private async states(layout: ShardLayout): Promise<ShardState[] | undefined> {
    const states = await Promise.all(
      layout.tags.map((_, shard) => this.#commands.state(layout, shard)),
    );
    return states.every((state) => state !== undefined) ? states : undefined;
  }

  /** The campaign's layout as stored; undefined when the campaign is unknown (or lost). */
  private async storedLayout(campaignId: CampaignId): Promise<ShardLayout | undefined> {
    return this.#layoutsOf.storedShards(campaignId);
  }

  private remember(layout: ShardLayout): ShardLayout {
    const known = this.#layouts.get(layout.campaignId);
    if (known?.shards === layout.shards) return known;
    if (this.#layouts.size >= MAX_REMEMBERED) this.#layouts.clear();
    this.#layouts.set(layout.campaignId, layout);
    return layout;
  }
}

/** Per sequence space of an N-way layout, the highest local index among `sequences`. */
function highestLocals(sequences: readonly number[], shards: number): number[] {
  const locals = Array.from({ length: shards }, () => 0);
  for (const sequence of sequences) {
    const { shard, local } = sequenceSlot(sequence, shards);
    locals[shard] = Math.max(locals[shard] ?? 0, local);
  }
  return locals;
}

const sum = (values: readonly number[]) => values.reduce((total, value) => total + value, 0);

/** A short random pause before looking again, so contending rebalances do not run in lockstep. */
const pause = () =>
  new Promise<void>((resolve) => setTimeout(resolve, 1 + Math.floor(Math.random() * 4)));
