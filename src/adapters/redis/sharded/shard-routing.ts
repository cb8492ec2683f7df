import type { GrantLookup, Reservation } from '../../../application/ports/issuance-ledger.port.ts';
import type { CampaignId, UserId } from '../../../domain/ids.ts';
import type { ScriptDecision } from '../ledger-codec.ts';
import type { OutboxActivity } from '../outbox-activity.ts';
import type { GrantDurability } from '../replica-acknowledgement.ts';
import type { LayoutCache } from './layout-cache.ts';
import type { StockRebalancing } from './shard-rebalancing.ts';
import { layoutOf, shardOf, validShardCount, type ShardLayout } from './sharded-layout.ts';
import type { SubLedgerCommands } from './sub-ledger-commands.ts';

/** How long an application held by a correction waits before asking again, and how often. */
const HOLD_WAIT_MS = 5;
const MAX_HOLD_WAITS = 1200;

/**
 * Routing of the user-facing calls: a user always applies (and is looked up) at sub-ledger
 * `shardOf(userId, N)`, in the campaign's layout as this process remembers it, corrected when a
 * sub-ledger says the layout is stale. An application whose sub-ledger has used its quota waits
 * for a rebalance and is decided on the stock it brought.
 */
export class ShardRouting {
  constructor(
    private readonly commands: SubLedgerCommands,
    private readonly layouts: LayoutCache,
    private readonly rebalancing: StockRebalancing,
    private readonly durability: GrantDurability | undefined,
    private readonly maxRebalances: number,
    private readonly activity: OutboxActivity,
  ) {}

  /** `now` is a valid date (checked by the caller). */
  async reserve(
    campaignId: CampaignId,
    userId: UserId,
    now: Date,
    segment: string,
  ): Promise<Reservation> {
    const at = now.getTime();
    let holds = 0;
    const remembered = this.layouts.known(campaignId);
    let layout = remembered ?? (await this.layouts.storedLayout(campaignId));
    if (!layout) return { kind: 'unknown-campaign' };
    let fresh = remembered === undefined;
    let decided: ScriptDecision | undefined;
    for (let steps = 0; steps <= this.maxRebalances; steps++) {
      const shard = shardOf(userId, layout.shards);
      // The outbox index lists the streams before any grant can land in them (outbox-activity.ts).
      const marking = this.activity.beforeGrant(layout.tags);
      if (marking) await marking;
      const decision =
        decided ?? (await this.commands.reserve(layout, shard, campaignId, userId, at, segment));
      decided = undefined;
      switch (decision.kind) {
        case 'issued':
          return this.granted(layout, shard, userId, decision.sequence, now);
        case 'unknown-campaign': {
          // A remembered layout may be stale (rebuilt with another number of sub-ledgers):
          // look at the stored one once before answering that the campaign is unknown.
          this.layouts.forget(campaignId);
          if (fresh) return decision;
          fresh = true;
          const stored = await this.layouts.storedLayout(campaignId);
          if (!stored || stored.shards === layout.shards) return decision;
          layout = stored;
          continue;
        }
        case 'stale-layout': {
          // The sub-ledger knows the campaign's real number of sub-ledgers: route with it.
          if (decision.shards === layout.shards || !validShardCount(decision.shards)) {
            throw new Error(
              `sub-ledger of ${campaignId} answered a stale layout of ${decision.shards}`,
            );
          }
          layout = this.layouts.remember(layoutOf(campaignId, decision.shards));
          continue;
        }
        case 'exhausted': {
          this.layouts.remember(layout);
          const outcome = await this.rebalancing.forApplicant(layout, shard, {
            userId,
            at,
            segment,
          });
          if (outcome === 'retry') continue;
          if (typeof outcome === 'object') {
            decided = outcome.decided;
            continue;
          }
          return { kind: outcome };
        }
        case 'other-epoch':
          continue;
        case 'held':
          // An operator's correction is being written over the sub-ledgers (a few ms): wait for
          // it rather than answer 503, but never longer than the hold a dead writer leaves.
          if ((holds += 1) > MAX_HOLD_WAITS) throw new Error(`campaign ${campaignId} stays held`);
          await new Promise((resolve) => setTimeout(resolve, HOLD_WAIT_MS));
          steps -= 1;
          continue;
        case 'sold-out':
          this.layouts.remember(layout);
          return decision;
        case 'already-issued':
        case 'not-open':
        case 'closed':
        case 'paused':
        case 'not-eligible':
        case 'not-ready':
        case 'pooled':
          return decision;
        case 'held-elsewhere':
          throw new Error(`a sub-ledger of ${campaignId} answered held-elsewhere`);
      }
    }
    throw new Error(
      `campaign ${campaignId}: stock did not settle after ${this.maxRebalances} rebalances`,
    );
  }

  /**
   * The answer to an application a shuffled opening collected at `appliedAt` (its sub-ledger
   * draws it, see ../opening.lua). One the draw left without stock on its sub-ledger
   * ('exhausted'), or that finds the layout changed, applies again now, the way every application
   * does: that rebalances, or follows the layout.
   */
  async collect(
    campaignId: CampaignId,
    userId: UserId,
    appliedAt: Date,
    now: Date,
    segment: string,
  ): Promise<Reservation> {
    const layout = this.layouts.known(campaignId) ?? (await this.layouts.storedLayout(campaignId));
    if (!layout) return { kind: 'unknown-campaign' };
    const shard = shardOf(userId, layout.shards);
    const marking = this.activity.beforeGrant(layout.tags);
    if (marking) await marking;
    const at = appliedAt.getTime();
    const decision = await this.commands.reserve(
      ...[layout, shard, campaignId, userId, at, segment],
      ...[undefined, now.getTime()],
    );
    switch (decision.kind) {
      case 'issued':
        return this.granted(layout, shard, userId, decision.sequence, appliedAt);
      case 'exhausted':
      case 'unknown-campaign':
      case 'stale-layout':
      case 'other-epoch':
      case 'held':
      case 'held-elsewhere':
        return this.reserve(campaignId, userId, now, segment);
      case 'already-issued':
      case 'not-open':
      case 'closed':
      case 'sold-out':
      case 'paused':
      case 'not-eligible':
      case 'not-ready':
      case 'pooled':
        return decision;
    }
  }

  /** A grant of sub-ledger `shard`, made durable enough before it is answered. */
  private async granted(
    layout: ShardLayout,
    shard: number,
    userId: UserId,
    sequence: number,
    issuedAt: Date,
  ): Promise<Reservation> {
    this.layouts.remember(layout);
    this.activity.granted(layout.tags[shard]!);
    if (this.durability) await this.durability.confirm();
    return {
      kind: 'issued',
      coupon: { campaignId: layout.campaignId, userId, sequence, issuedAt },
    };
  }

  async findGrant(campaignId: CampaignId, userId: UserId): Promise<GrantLookup> {
    const layout = await this.layouts.find(campaignId);
    if (!layout) return { kind: 'unknown-campaign' };
    const lookup = await this.commands.findGrant(layout, shardOf(userId, layout.shards), userId);
    if (lookup.kind !== 'unknown-campaign') return lookup;
    // A sub-ledger without rules: lost, or a stale remembered layout. Not an answer.
    this.layouts.forget(campaignId);
    return { kind: 'not-ready' };
  }
}
