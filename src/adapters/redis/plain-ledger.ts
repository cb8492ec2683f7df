import type {
  ApplicantClaims,
  DefineOutcome,
  GrantLookup,
  LedgerTally,
  Reservation,
} from '../../application/ports/issuance-ledger.port.ts';
import type { RevokeOutcome } from '../../application/ports/ledger-controls.port.ts';
import type { RestoreExtras } from '../../application/ports/ledger-recovery.port.ts';
import type { Campaign } from '../../domain/campaign.ts';
import type { Coupon } from '../../domain/coupon.ts';
import type { CampaignId, UserId } from '../../domain/ids.ts';
import type { RedisConnection } from './redis-client.ts';
import type { GrantDurability } from './replica-acknowledgement.ts';
import { orUnavailable } from './redis-errors.ts';
import { activeTraceparent } from '../tracing/traceparent.ts';
import {
  hsetInBatches,
  inSetBatches,
  stageExtras,
  stageSequences,
  stageWinners,
} from './hash-batches.ts';
import {
  decisionOf,
  defineOutcomeOf,
  encodeRevocation,
  encodeRules,
  lookupOf,
  revokeOutcomeOf,
  tallyOf,
  type HeldElsewhere,
} from './ledger-codec.ts';
import type { LayoutLedger } from './layout-ledger.ts';
import type { LedgerLayouts } from './ledger-layouts.ts';
import type { RedisKeys } from './redis-keys.ts';
import { drawSeed } from './opening-seed.ts';
import { OutboxActivity } from './outbox-activity.ts';
import { registerCampaign } from './redis-outbox-stream.ts';
import {
  DEFINE,
  FIND_COUPON,
  registerScript,
  RESERVE,
  RESTORE,
  REVOKE,
  TALLY,
  type ScriptCall,
} from './redis-scripts.ts';

/**
 * The plain layout: one ledger per campaign, on one hash tag. Every decision is ONE Lua script
 * (reserve.lua) over one campaign's keys, which share a hash tag and therefore a cluster slot:
 * the dedupe, the window, the cap, the pause, the eligibility, the sequence and the outbox event
 * are read and written without any other command in between, so the count is exact under any
 * concurrency, with no lock and one round trip per application.
 *
 * Every failure to reach Redis (or to read its reply) is thrown as LedgerUnavailableError.
 */
export class PlainLedger implements LayoutLedger {
  readonly #reserve: ScriptCall;
  readonly #findGrant: ScriptCall;
  readonly #define: ScriptCall;
  readonly #restore: ScriptCall;
  readonly #revoke: ScriptCall;
  readonly #tally: ScriptCall;
  readonly #activity: OutboxActivity;

  constructor(
    private readonly redis: RedisConnection,
    private readonly keys: RedisKeys,
    private readonly layouts: LedgerLayouts,
    private readonly durability: GrantDurability | undefined,
  ) {
    this.#activity = OutboxActivity.of(redis, keys);
    this.#reserve = registerScript(redis, RESERVE);
    this.#findGrant = registerScript(redis, FIND_COUPON);
    this.#define = registerScript(redis, DEFINE);
    this.#restore = registerScript(redis, RESTORE);
    this.#revoke = registerScript(redis, REVOKE);
    this.#tally = registerScript(redis, TALLY);
  }

  async define(campaign: Campaign): Promise<DefineOutcome> {
    return orUnavailable(async () => {
      // Relay first, rules last: once reserve can grant, the relay already reads the stream.
      await registerCampaign(this.redis, this.keys, campaign.id);
      // One script: the rules change atomically, checked against the grants (see define.lua).
      const id = campaign.id;
      const reply = await this.#define(
        this.keys.campaign(id),
        this.keys.count(id),
        encodeRules(campaign),
        campaign.totalQuantity,
      );
      return defineOutcomeOf(reply);
    });
  }

  reserve(
    campaignId: CampaignId,
    userId: UserId,
    now: Date,
    claims: ApplicantClaims = {},
  ): Promise<Reservation | HeldElsewhere> {
    return this.decide(campaignId, userId, now, claims, undefined);
  }

  collect(
    campaignId: CampaignId,
    userId: UserId,
    appliedAt: Date,
    now: Date,
    claims: ApplicantClaims = {},
  ): Promise<Reservation | HeldElsewhere> {
    return this.decide(campaignId, userId, appliedAt, claims, now);
  }

  /** reserve.lua: an application at `now`, or (`collecting`) the answer to one made then. */
  private async decide(
    campaignId: CampaignId,
    userId: UserId,
    now: Date,
    claims: ApplicantClaims,
    collecting: Date | undefined,
  ): Promise<Reservation | HeldElsewhere> {
    const at = now.getTime();
    if (!Number.isSafeInteger(at)) throw new TypeError('reserve needs a valid date');
    return orUnavailable(async () => {
      // The outbox index lists the stream before any grant can land in it (outbox-activity.ts).
      const marking = this.#activity.beforeGrant([campaignId]);
      if (marking) await marking;
      const reply = await this.#reserve(
        ...this.keys.reserveKeys(campaignId),
        ...[campaignId, userId, at, claims.segment ?? ''],
        // The application's trace, kept with its outbox entry ('' when tracing is off).
        activeTraceparent(),
        ...[drawSeed(), collecting?.getTime() ?? ''],
      );
      const decision = decisionOf(reply, 'reserve.lua');
      switch (decision.kind) {
        case 'issued':
          this.#activity.granted(campaignId);
          if (this.durability) await this.durability.confirm();
          // issuedAt is the `now` the script wrote into the outbox event: both sides agree.
          return {
            kind: 'issued',
            coupon: { campaignId, userId, sequence: decision.sequence, issuedAt: now },
          };
        case 'exhausted':
        case 'stale-layout':
        case 'other-epoch':
        case 'held':
          throw new Error(`reserve.lua answered ${decision.kind}, which only a sub-ledger may`);
        case 'already-issued':
        case 'not-open':
        case 'closed':
        case 'sold-out':
        case 'paused':
        case 'not-eligible':
        case 'unknown-campaign':
        case 'not-ready':
        case 'held-elsewhere':
        case 'pooled':
          return decision;
      }
    });
  }

  async findGrant(campaignId: CampaignId, userId: UserId): Promise<GrantLookup | HeldElsewhere> {
    return orUnavailable(async () => {
      const k = this.keys;
      const reply = await this.#findGrant(
        ...[k.campaign(campaignId), k.users(campaignId), k.issuedAt(campaignId)],
        ...[k.revoked(campaignId), k.shardCount(campaignId), k.count(campaignId)],
        userId,
      );
      return lookupOf(reply);
    });
  }

  async tally(campaignId: CampaignId): Promise<LedgerTally | undefined | HeldElsewhere> {
    return orUnavailable(async () => {
      const k = this.keys;
      const reply = await this.#tally(
        ...[k.campaign(campaignId), k.count(campaignId)],
        ...[k.revoked(campaignId), k.shardCount(campaignId)],
      );
      return tallyOf(reply);
    });
  }

  async revoke(
    campaignId: CampaignId,
    userId: UserId,
    options: { readonly returnToStock: boolean; readonly at: Date },
  ): Promise<RevokeOutcome> {
    return orUnavailable(async () => {
      const k = this.keys;
      // The revocation goes to the outbox: the index lists the stream first, as for a grant.
      const marking = this.#activity.beforeGrant([campaignId]);
      if (marking) await marking;
      const reply = await this.#revoke(
        ...[k.campaign(campaignId), k.users(campaignId), k.revoked(campaignId)],
        ...[k.outbox(campaignId), k.issuedAt(campaignId)],
        ...[campaignId, userId, options.at.getTime(), options.returnToStock ? '1' : '0'],
      );
      const outcome = revokeOutcomeOf(
        reply,
        { campaignId, userId },
        {
          at: options.at,
          returned: options.returnToStock,
        },
      );
      if (outcome.kind === 'revoked') this.#activity.granted(campaignId);
      return outcome;
    });
  }

  /**
   * A campaign not defined yet (a draft) gets nothing: its publication copies the durable list
   * AFTER defining the rules, so an add that finds no rules here is in that copy.
   */
  async allow(campaignId: CampaignId, userIds: readonly UserId[], remove = false): Promise<void> {
    await orUnavailable(async () => {
      if (!remove && !(await this.redis.exists(this.keys.campaign(campaignId)))) return;
      await inSetBatches(this.redis, this.keys.allowlist(campaignId), userIds, remove);
    });
  }

  /**
   * Rebuilds the campaign from the merge the caller reconciled. The count is set to the HIGHEST
   * restored sequence (or kept, when the ledger's own is higher), not to the number of coupons:
   * if the record has a hole (a grant whose event was lost together with Redis' data), counting
   * coupons would hand out an existing sequence again and, worse, one coupon more than the cap.
   * With the highest sequence the next grant always follows every sequence ever persisted, and
   * the cap can only be under-, never over-issued. With a gap-free record (the normal case) both
   * are the same number.
   *
   * Winners, revocations and (when given) the allowlist are staged in temporary keys in batches,
   * then one script swaps them, the count and the rules in at once (atomic for every reserve),
   * makes the campaign ready on this server process and removes the sharded layout's marker.
   * The instants of the record's grants are added first (informational: a status read's
   * issuedAt). Running it again gives the same ledger. A sharded layout the campaign had is
   * fenced first and its sub-ledgers dropped afterwards: the caller merged their winners in.
   */
  async restore(
    campaign: Campaign,
    coupons: readonly Coupon[],
    extras: RestoreExtras = {},
  ): Promise<void> {
    const winners = new Map<UserId, number>();
    let highest = 0;
    for (const coupon of coupons) {
      winners.set(coupon.userId, coupon.sequence);
      highest = Math.max(highest, coupon.sequence);
    }
    const revocations = new Map(
      [...(extras.revocations ?? [])].map(([user, revocation]) => [
        user,
        encodeRevocation(revocation),
      ]),
    );
    const returned = [...(extras.revocations?.values() ?? [])].filter((r) => r.returned).length;
    const keys = this.keys;
    const id = campaign.id;
    await orUnavailable(async () => {
      const sharded = await this.layouts.storedShards(id);
      if (sharded) await this.layouts.fence(id);
      await hsetInBatches(
        this.redis,
        keys.issuedAt(id),
        coupons.flatMap((coupon) => [coupon.userId, coupon.issuedAt.getTime()]),
      );
      const staging = await stageWinners(this.redis, keys, id, winners);
      const staged = await stageExtras(this.redis, keys, id, revocations, extras.allowlist);
      const sequences = await stageSequences(this.redis, keys, id, winners);
      await registerCampaign(this.redis, keys, id);
      await this.#restore(
        ...[keys.campaign(id), keys.users(id), keys.count(id), staging, keys.shardCount(id)],
        ...[keys.revoked(id), staged.revoked, keys.allowlist(id), staged.allowlist],
        ...[keys.sequences(id), sequences],
        ...[encodeRules(campaign), highest, winners.size],
        ...[revocations.size, returned, staged.allowlistSize],
      );
      if (sharded) await this.layouts.dropSubLedgers(sharded.tags);
    });
  }
}
