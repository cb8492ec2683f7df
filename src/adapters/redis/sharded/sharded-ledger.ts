import { randomUUID } from 'node:crypto';
import type {
  ApplicantClaims,
  DefineOutcome,
  GrantLookup,
  LedgerTally,
  Reservation,
} from '../../../application/ports/issuance-ledger.port.ts';
import type { RevokeOutcome } from '../../../application/ports/ledger-controls.port.ts';
import type { RestoreExtras } from '../../../application/ports/ledger-recovery.port.ts';
import { inSetBatches } from '../hash-batches.ts';
import type { Campaign } from '../../../domain/campaign.ts';
import type { Coupon } from '../../../domain/coupon.ts';
import type { CampaignId, UserId } from '../../../domain/ids.ts';
import type { RedisConnection } from '../redis-client.ts';
import type { GrantDurability } from '../replica-acknowledgement.ts';
import { orUnavailable } from '../redis-errors.ts';
import type { LayoutLedger } from '../layout-ledger.ts';
import { parseShardCount, type LedgerLayouts } from '../ledger-layouts.ts';
import { OutboxActivity } from '../outbox-activity.ts';
import { LayoutCache } from './layout-cache.ts';
import { StockRebalancing } from './shard-rebalancing.ts';
import { ShardRouting } from './shard-routing.ts';
import {
  layoutOf,
  MAX_SEQUENCE,
  MAX_SHARDS,
  shardOf,
  shardsFor,
  type ShardedKeys,
} from './sharded-layout.ts';
import { ShardedRestore } from './sharded-restore.ts';
import { SubLedgerCommands } from './sub-ledger-commands.ts';

export interface ShardedLedgerOptions {
  /**
   * Sub-ledgers of a campaign this ledger defines or restores (1..64). A campaign keeps the
   * number it was defined with (stored with it), whatever later processes are configured with;
   * rebuild-ledger lays it out again with the configured number.
   */
  readonly shards: number;
  /** Holds each grant until it is durable enough (replicas, see ReplicaAcknowledgement). */
  readonly grantDurability?: GrantDurability | undefined;
  /**
   * Rebalances one application may go through before it gives up with LedgerUnavailableError
   * (503, never a guess). Contention at the very end of a drop settles in a few.
   */
  readonly maxRebalances?: number;
}

const MAX_REBALANCES = 64;
/** How long a correction holds the sub-ledgers at most (a writer that dies frees them then). */
const HOLD_MS = 5000;

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
 *   Concurrent applications waiting on one sub-ledger share one rebalance per process (see
 *   StockRebalancing, which also says why a crash mid-transfer loses no stock for good).
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
 * Not covered (as for the unsharded ledger): Redis replication is asynchronous, so a failover can
 * lose acknowledged writes. A lost debit whose credit survived on another master would add stock;
 * a deployment with replicas should add `WAIT 1` on the donor between debit and credit (or run
 * with `min-replicas-to-write`), as it should for grants.
 *
 * Every failure to reach Redis (or to read its reply) is thrown as LedgerUnavailableError.
 */
export class ShardedLedger implements LayoutLedger {
  readonly #shards: number;
  readonly #commands: SubLedgerCommands;
  readonly #cache: LayoutCache;
  readonly #rebalancing: StockRebalancing;
  readonly #routing: ShardRouting;
  readonly #restore: ShardedRestore;
  readonly #activity: OutboxActivity;

  constructor(
    private readonly redis: RedisConnection,
    private readonly keys: ShardedKeys,
    layouts: LedgerLayouts,
    options: ShardedLedgerOptions,
  ) {
    if (!Number.isInteger(options.shards) || options.shards < 1 || options.shards > MAX_SHARDS) {
      throw new RangeError(`shards must be a whole number from 1 to ${MAX_SHARDS}`);
    }
    const maxRebalances = options.maxRebalances ?? MAX_REBALANCES;
    this.#shards = options.shards;
    this.#commands = new SubLedgerCommands(redis, this.keys);
    this.#cache = new LayoutCache(layouts);
    this.#rebalancing = new StockRebalancing(this.#commands, maxRebalances);
    this.#activity = OutboxActivity.of(redis, this.keys);
    this.#routing = new ShardRouting(
      this.#commands,
      this.#cache,
      this.#rebalancing,
      options.grantDurability,
      maxRebalances,
      this.#activity,
    );
    this.#restore = new ShardedRestore(redis, keys, layouts, this.#commands, this.#cache);
  }

  /**
   * The first definition fixes the campaign's number of sub-ledgers (stored on the campaign's
   * own slot); a later one keeps it, rewrites every sub-ledger's rules and base share, and keeps
   * grants and transfers. When a lower total leaves a sub-ledger with more grants than its new
   * quota, that debt is covered from the others' spare before define returns.
   *
   * A LOWER total must be checked against every sub-ledger's grants at once, which no one script
   * can see: the sub-ledgers are held first (their reserves wait a few ms, see hold-shard.lua),
   * then their consumed units are read and compared, then the rules written and the hold
   * released. Exact against the grants in flight: none happens between the read and the write.
   * A higher total needs no hold: each base share only grows, so the cap in force lies between
   * the old and the new total while the sub-ledgers are written one by one.
   */
  async define(campaign: Campaign): Promise<DefineOutcome> {
    return orUnavailable(async () => {
      const wanted = shardsFor(this.#shards, campaign.totalQuantity);
      const stored = await this.redis.call(
        'SET',
        this.keys.shardCount(campaign.id),
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
      await this.#commands.registerWithRelay(layout);
      const before = stored === null ? undefined : await this.#commands.state(layout, 0);
      const lowering = before !== undefined && campaign.totalQuantity < before.total;
      const shardsOf = layout.tags.map((_, shard) => shard);
      if (lowering) await Promise.all(shardsOf.map((s) => this.#commands.hold(layout, s, HOLD_MS)));
      try {
        if (lowering) {
          const states = await Promise.all(shardsOf.map((s) => this.#commands.state(layout, s)));
          const consumed = states.reduce((sum, state) => sum + (state?.count ?? 0), 0);
          if (campaign.totalQuantity < consumed) return { kind: 'below-issued', consumed };
        }
        const epoch = randomUUID();
        const spares = await Promise.all(
          shardsOf.map((s) => this.#commands.define(layout, s, campaign, epoch)),
        );
        this.#cache.remember(layout);
        if (spares.some((spare) => spare < 0)) await this.#rebalancing.coverDebts(layout);
        return { kind: 'defined' };
      } finally {
        if (lowering) await Promise.all(shardsOf.map((s) => this.#commands.hold(layout, s, 0)));
      }
    });
  }

  async reserve(
    campaignId: CampaignId,
    userId: UserId,
    now: Date,
    claims: ApplicantClaims = {},
  ): Promise<Reservation> {
    if (!Number.isSafeInteger(now.getTime())) throw new TypeError('reserve needs a valid date');
    return orUnavailable(() =>
      this.#routing.reserve(campaignId, userId, now, claims.segment ?? ''),
    );
  }

  collect(
    campaignId: CampaignId,
    userId: UserId,
    appliedAt: Date,
    now: Date,
    claims: ApplicantClaims = {},
  ): Promise<Reservation> {
    return orUnavailable(() =>
      this.#routing.collect(campaignId, userId, appliedAt, now, claims.segment ?? ''),
    );
  }

  findGrant(campaignId: CampaignId, userId: UserId): Promise<GrantLookup> {
    return orUnavailable(() => this.#routing.findGrant(campaignId, userId));
  }

  /**
   * What the campaign handed out: the sum over every sub-ledger (after a restore, holes in the
   * record count as granted). Undefined when the campaign or any of its sub-ledgers holds no
   * rules: a partly lost campaign is not ready (fail closed).
   */
  async tally(campaignId: CampaignId): Promise<LedgerTally | undefined> {
    return orUnavailable(async () => {
      const layout = await this.#cache.storedLayout(campaignId);
      if (!layout) return undefined;
      const tallies = await Promise.all(
        layout.tags.map((_, shard) => this.#commands.tally(layout, shard)),
      );
      const sum = { issued: 0, revoked: 0, returned: 0 };
      for (const tally of tallies) {
        if (tally === undefined) return undefined;
        sum.issued += tally.issued;
        sum.revoked += tally.revoked;
        sum.returned += tally.returned;
      }
      return sum;
    });
  }

  /**
   * Revokes on the sub-ledger the user routes to. A unit returned to it is stock again: every
   * sub-ledger's "sold out for good" mark goes (the next application there rebalances and finds
   * the unit), so the campaign is not answered sold out while a unit waits.
   */
  async revoke(
    campaignId: CampaignId,
    userId: UserId,
    options: { readonly returnToStock: boolean; readonly at: Date },
  ): Promise<RevokeOutcome> {
    return orUnavailable(async () => {
      const layout = await this.#cache.find(campaignId);
      if (!layout) return { kind: 'unknown-campaign' };
      const revocation = { at: options.at, returned: options.returnToStock };
      const marking = this.#activity.beforeGrant(layout.tags);
      if (marking) await marking;
      const shard = shardOf(userId, layout.shards);
      const outcome = await this.#commands.revoke(
        layout,
        shard,
        { campaignId, userId },
        revocation,
      );
      if (outcome.kind === 'revoked') {
        this.#activity.granted(layout.tags[shard]!);
        if (options.returnToStock) {
          for (const tag of layout.tags) await this.redis.hdel(this.keys.campaign(tag), 'soldOut');
        }
      }
      return outcome;
    });
  }

  /** Adds users to (or removes them from) the allowlist of the sub-ledger each routes to. */
  async allow(campaignId: CampaignId, userIds: readonly UserId[], remove = false): Promise<void> {
    await orUnavailable(async () => {
      const layout = await this.#cache.find(campaignId);
      if (!layout) return;
      const byShard = Map.groupBy(userIds, (userId) => shardOf(userId, layout.shards));
      for (const [shard, users] of byShard) {
        await inSetBatches(this.redis, this.#commands.allowlistKey(layout, shard), users, remove);
      }
    });
  }

  /**
   * Rebuilds the campaign from the durable record, laid out with the CONFIGURED number of
   * sub-ledgers; holes in the record count as granted (see ShardedRestore).
   */
  restore(
    campaign: Campaign,
    coupons: readonly Coupon[],
    extras: RestoreExtras = {},
  ): Promise<void> {
    return this.restoreIn(this.#shards, campaign, coupons, extras);
  }

  /** `restore` with `shards` sub-ledgers (the number the campaign is held in, to keep it). */
  restoreIn(
    shards: number,
    campaign: Campaign,
    coupons: readonly Coupon[],
    extras: RestoreExtras = {},
  ): Promise<void> {
    return orUnavailable(() => this.#restore.restore(campaign, coupons, shards, extras));
  }

  /**
   * Completes every transfer in flight (e.g. one whose process died between debit and credit).
   * For operators and tests: applications do this by themselves whenever they need stock.
   */
  async settle(campaignId: CampaignId): Promise<void> {
    await orUnavailable(async () => {
      const layout = await this.#cache.storedLayout(campaignId);
      if (layout) await this.#rebalancing.settle(layout);
    });
  }
}
