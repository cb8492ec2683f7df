import type {
  ApplicantClaims,
  DefineOutcome,
  GrantLookup,
  IssuanceLedger,
  LedgerTally,
  Reservation,
  SettledAnswer,
} from '../../application/ports/issuance-ledger.port.ts';
import type {
  LedgerControls,
  RevokeOutcome,
} from '../../application/ports/ledger-controls.port.ts';
import type { RestoreExtras } from '../../application/ports/ledger-recovery.port.ts';
import type { Campaign } from '../../domain/campaign.ts';
import type { Coupon } from '../../domain/coupon.ts';
import type { CampaignId, UserId } from '../../domain/ids.ts';
import type { LayoutLedger } from './layout-ledger.ts';
import { LedgerLayouts, type LayoutMode } from './ledger-layouts.ts';
import { PlainLedger } from './plain-ledger.ts';
import type { RedisConnection } from './redis-client.ts';
import { orUnavailable } from './redis-errors.ts';
import type { KeyNamespace } from './redis-keys.ts';
import type { GrantDurability } from './replica-acknowledgement.ts';
import { ShardedKeys } from './sharded/sharded-layout.ts';
import { ShardedLedger } from './sharded/sharded-ledger.ts';

export interface RedisLedgerOptions extends KeyNamespace {
  /**
   * LEDGER_SHARDS: how campaigns defined from now on are laid out. 1 (default): one ledger per
   * campaign, on the one Redis shard that owns its hash tag, sequences 1..N without gaps. N > 1:
   * sharded stock, the campaign split across N sub-ledgers on different slots (docs/scaling.md).
   * A campaign keeps the layout it was defined (or rebuilt) with, whatever later processes are
   * configured with: every process serves both.
   */
  readonly shards?: number;
  /** Holds each grant until it is durable enough (replicas, see ReplicaAcknowledgement). */
  readonly grantDurability?: GrantDurability | undefined;
  /** Rebalances one sharded application may go through before it gives up (503). */
  readonly maxRebalances?: number;
}

/** Campaigns whose layout a process remembers; ids come from callers, so the map is bounded. */
const MAX_REMEMBERED = 10_000;

/**
 * The ledger in Redis, as the request path sees it: one campaign at a time, whichever way it is
 * laid out. A process remembers which campaigns are held in sub-ledgers; any other is asked of
 * its plain keys first, and a plain script that does not hold a campaign says, in the same round
 * trip, whether sub-ledgers do. So a plain campaign costs one script per application, as it
 * always did, and nobody outside this adapter knows that layouts exist.
 *
 * Every failure to reach Redis (or to read its reply) is thrown as LedgerUnavailableError.
 */
export class RedisIssuanceLedger implements IssuanceLedger, LedgerControls {
  readonly #plain: PlainLedger;
  readonly #sharded: ShardedLedger;
  readonly #layouts: LedgerLayouts;
  readonly #configured: LayoutMode;
  readonly #inSubLedgers = new Set<CampaignId>();

  constructor(redis: RedisConnection, options: RedisLedgerOptions = {}) {
    const keys = new ShardedKeys(options.keyPrefix);
    const shards = options.shards ?? 1;
    this.#layouts = new LedgerLayouts(redis, keys);
    this.#plain = new PlainLedger(redis, keys, this.#layouts, options.grantDurability);
    this.#sharded = new ShardedLedger(redis, keys, this.#layouts, {
      shards,
      grantDurability: options.grantDurability,
      ...(options.maxRebalances === undefined ? {} : { maxRebalances: options.maxRebalances }),
    });
    this.#configured = shards > 1 ? 'sharded' : 'plain';
  }

  /** The layout each campaign would be defined or rebuilt in by this process. */
  get configured(): LayoutMode {
    return this.#configured;
  }

  /**
   * In the layout that holds the campaign, or the configured one for a campaign held nowhere
   * (the cap check against the grants is the layout's: see define.lua and ShardedLedger).
   */
  async define(campaign: Campaign): Promise<DefineOutcome> {
    const held = await this.holder(campaign.id);
    const layout = held ?? this.#configured;
    const outcome = await this.layout(layout).define(campaign);
    this.remember(campaign.id, layout);
    return outcome;
  }

  reserve(
    campaignId: CampaignId,
    userId: UserId,
    now: Date,
    claims?: ApplicantClaims,
  ): Promise<Reservation> {
    if (!Number.isSafeInteger(now.getTime())) throw new TypeError('reserve needs a valid date');
    return this.routed(campaignId, (ledger) => ledger.reserve(campaignId, userId, now, claims));
  }

  collect(
    campaignId: CampaignId,
    userId: UserId,
    appliedAt: Date,
    now: Date,
    claims?: ApplicantClaims,
  ): Promise<Reservation> {
    if (!Number.isSafeInteger(now.getTime())) throw new TypeError('collect needs a valid date');
    return this.routed(campaignId, (ledger) =>
      ledger.collect(campaignId, userId, appliedAt, now, claims),
    );
  }

  findGrant(campaignId: CampaignId, userId: UserId): Promise<GrantLookup> {
    return this.routed(campaignId, (ledger) => ledger.findGrant(campaignId, userId));
  }

  async tally(campaignId: CampaignId): Promise<LedgerTally | undefined> {
    const answer = await this.routed(campaignId, async (ledger) => {
      const tally = await ledger.tally(campaignId);
      if (tally === undefined) return { kind: 'unknown-campaign' } as const;
      return 'kind' in tally ? tally : { kind: 'tally', tally };
    });
    return answer.kind === 'tally' ? answer.tally : undefined;
  }

  /** Nothing is held in memory here: SettledCampaigns, around this adapter, holds the copies. */
  settledAnswer(_campaignId: CampaignId, _userId: UserId, _now: Date): SettledAnswer | undefined {
    return undefined;
  }

  async revoke(
    campaignId: CampaignId,
    userId: UserId,
    options: { readonly returnToStock: boolean; readonly at: Date },
  ): Promise<RevokeOutcome> {
    return this.layout(await this.holderOrConfigured(campaignId)).revoke(
      campaignId,
      userId,
      options,
    );
  }

  async allow(campaignId: CampaignId, userIds: readonly UserId[]): Promise<void> {
    await this.layout(await this.holderOrConfigured(campaignId)).allow(campaignId, userIds);
  }

  async disallow(campaignId: CampaignId, userIds: readonly UserId[]): Promise<void> {
    await this.layout(await this.holderOrConfigured(campaignId)).allow(campaignId, userIds, true);
  }

  /**
   * Completes every stock transfer in flight between a campaign's sub-ledgers (one whose process
   * died between debit and credit). For operators and tests: applications do it by themselves
   * whenever they need stock. Nothing to do for a plain campaign.
   */
  settle(campaignId: CampaignId): Promise<void> {
    return this.#sharded.settle(campaignId);
  }

  /**
   * Rebuilds the campaign (see LedgerRecovery.restore) in the plain layout (1), in `shards`
   * sub-ledgers, or as configured; the other layout's keys go in the same switch.
   */
  async restoreIn(
    layout: number | 'configured',
    campaign: Campaign,
    coupons: readonly Coupon[],
    extras: RestoreExtras = {},
  ): Promise<void> {
    const shards = layout === 'configured' ? undefined : layout;
    const mode: LayoutMode =
      shards === undefined ? this.#configured : shards > 1 ? 'sharded' : 'plain';
    if (mode === 'plain') await this.#plain.restore(campaign, coupons, extras);
    else if (shards === undefined) await this.#sharded.restore(campaign, coupons, extras);
    else await this.#sharded.restoreIn(shards, campaign, coupons, extras);
    this.remember(campaign.id, mode);
  }

  /** The layout that holds the campaign (an operator's write: one read of both markers). */
  private async holder(campaignId: CampaignId): Promise<LayoutMode | undefined> {
    return orUnavailable(() => this.#layouts.holder(campaignId));
  }

  private async holderOrConfigured(campaignId: CampaignId): Promise<LayoutMode> {
    return (await this.holder(campaignId)) ?? this.#configured;
  }

  /**
   * `call` on the sub-ledgers of a campaign remembered there, else on its plain keys; a plain
   * answer `held-elsewhere` (or sub-ledgers that no longer hold it) moves it to the other layout
   * and asks once more.
   */
  private async routed<T extends { readonly kind: string }>(
    campaignId: CampaignId,
    call: (ledger: LayoutLedger) => Promise<T | { readonly kind: 'held-elsewhere' }>,
  ): Promise<Exclude<T, { readonly kind: 'held-elsewhere' }>> {
    type Answer = Exclude<T, { readonly kind: 'held-elsewhere' }>;
    if (this.#inSubLedgers.has(campaignId)) {
      const answer = await call(this.#sharded);
      if (answer.kind !== 'unknown-campaign') return answer as Answer;
      this.#inSubLedgers.delete(campaignId); // rebuilt in the plain layout, or lost
    }
    const answer = await call(this.#plain);
    if (answer.kind !== 'held-elsewhere') return answer as Answer;
    this.remember(campaignId, 'sharded');
    return (await call(this.#sharded)) as Answer;
  }

  private layout(mode: LayoutMode): LayoutLedger {
    return mode === 'plain' ? this.#plain : this.#sharded;
  }

  private remember(campaignId: CampaignId, mode: LayoutMode): void {
    if (mode === 'plain') {
      this.#inSubLedgers.delete(campaignId);
      return;
    }
    if (this.#inSubLedgers.size >= MAX_REMEMBERED) this.#inSubLedgers.clear();
    this.#inSubLedgers.add(campaignId);
  }
}
