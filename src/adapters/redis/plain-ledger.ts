import type { GrantLookup, Reservation } from '../../application/ports/issuance-ledger.port.ts';
import type { Campaign } from '../../domain/campaign.ts';
import type { Coupon } from '../../domain/coupon.ts';
import type { CampaignId, UserId } from '../../domain/ids.ts';
import type { RedisConnection } from './redis-client.ts';
import type { GrantDurability } from './replica-acknowledgement.ts';
import { orUnavailable } from './redis-errors.ts';
import { stageWinners } from './hash-batches.ts';
import {
  decisionOf,
  encodeRules,
  issuedCountOf,
  lookupOf,
  type HeldElsewhere,
} from './ledger-codec.ts';
import type { LayoutLedger } from './layout-ledger.ts';
import type { LedgerLayouts } from './ledger-layouts.ts';
import type { RedisKeys } from './redis-keys.ts';
import { OutboxActivity } from './outbox-activity.ts';
import { registerCampaign } from './redis-outbox-stream.ts';
import {
  DEFINE,
  FIND_COUPON,
  ISSUED_COUNT,
  registerScript,
  RESERVE,
  RESTORE,
  type ScriptCall,
} from './redis-scripts.ts';

/**
 * The plain layout: one ledger per campaign, on one hash tag. Every decision is ONE Lua script (reserve.lua) over one campaign's keys,
 * which share a hash tag and therefore a cluster slot: the dedupe, the window, the cap, the
 * sequence and the outbox event are read and written without any other command in between, so
 * the count is exact under any concurrency, with no lock and one round trip per application.
 *
 * Every failure to reach Redis (or to read its reply) is thrown as LedgerUnavailableError.
 */
export class PlainLedger implements LayoutLedger {
  readonly #reserve: ScriptCall;
  readonly #findGrant: ScriptCall;
  readonly #define: ScriptCall;
  readonly #restore: ScriptCall;
  readonly #issuedCount: ScriptCall;
  readonly #durability: GrantDurability | undefined;
  readonly #activity: OutboxActivity;

  constructor(
    private readonly redis: RedisConnection,
    private readonly keys: RedisKeys,
    private readonly layouts: LedgerLayouts,
    durability: GrantDurability | undefined,
  ) {
    this.#activity = OutboxActivity.of(redis, keys);
    this.#reserve = registerScript(redis, RESERVE);
    this.#findGrant = registerScript(redis, FIND_COUPON);
    this.#define = registerScript(redis, DEFINE);
    this.#restore = registerScript(redis, RESTORE);
    this.#issuedCount = registerScript(redis, ISSUED_COUNT);
    this.#durability = durability;
  }

  async define(campaign: Campaign): Promise<void> {
    await orUnavailable(async () => {
      // Relay first, rules last: once reserve can grant, the relay already reads the stream.
      await registerCampaign(this.redis, this.keys, campaign.id);
      // One script: the rules change atomically; winners and count are untouched, so defining
      // again (a retry, a change of end date) never forgets a grant (see define.lua).
      await this.#define(this.keys.campaign(campaign.id), encodeRules(campaign));
    });
  }

  async reserve(
    campaignId: CampaignId,
    userId: UserId,
    now: Date,
  ): Promise<Reservation | HeldElsewhere> {
    const at = now.getTime();
    if (!Number.isSafeInteger(at)) throw new TypeError('reserve needs a valid date');
    return orUnavailable(async () => {
      // The outbox index lists the stream before any grant can land in it (outbox-activity.ts).
      const marking = this.#activity.beforeGrant([campaignId]);
      if (marking) await marking;
      const reply = await this.#reserve(
        ...this.keys.reserveKeys(campaignId),
        campaignId,
        userId,
        at,
      );
      const decision = decisionOf(reply, 'reserve.lua');
      switch (decision.kind) {
        case 'issued':
          this.#activity.granted(campaignId);
          if (this.#durability) await this.#durability.confirm();
          // issuedAt is the `now` the script wrote into the outbox event: both sides agree.
          return {
            kind: 'issued',
            coupon: { campaignId, userId, sequence: decision.sequence, issuedAt: now },
          };
        case 'exhausted':
        case 'stale-layout':
        case 'other-epoch':
          throw new Error(`reserve.lua answered ${decision.kind}, which only a sub-ledger may`);
        case 'already-issued':
        case 'not-open':
        case 'closed':
        case 'sold-out':
        case 'unknown-campaign':
        case 'not-ready':
        case 'held-elsewhere':
          return decision;
      }
    });
  }

  async findGrant(campaignId: CampaignId, userId: UserId): Promise<GrantLookup | HeldElsewhere> {
    return orUnavailable(async () => {
      const reply = await this.#findGrant(
        this.keys.campaign(campaignId),
        this.keys.users(campaignId),
        this.keys.issuedAt(campaignId),
        this.keys.shardCount(campaignId),
        userId,
      );
      return lookupOf(reply);
    });
  }

  async issuedCount(campaignId: CampaignId): Promise<number | undefined | 'held-elsewhere'> {
    return orUnavailable(async () => {
      const reply = await this.#issuedCount(
        this.keys.campaign(campaignId),
        this.keys.count(campaignId),
        this.keys.shardCount(campaignId),
      );
      return issuedCountOf(reply);
    });
  }

  /**
   * Rebuilds the campaign from the merge the caller reconciled. The count is set to the HIGHEST
   * restored sequence (or kept, when the ledger's own is higher), not to the number of coupons:
   * if the record has a hole (a grant whose event was lost together with Redis' data), counting
   * coupons would hand out an existing sequence again and, worse, one coupon more than the cap. With the highest sequence the next grant always follows
   * every sequence ever persisted, and the cap can only be under-, never over-issued. With a
   * gap-free record (the normal case) both are the same number.
   *
   * Winners are staged in a temporary hash in batches, then one script swaps winners, count and
   * rules in at once (atomic for every reserve), makes the campaign ready on this server process
   * and removes the sharded layout's marker. Running it again gives the same ledger. A sharded
   * layout the campaign had is fenced first and its sub-ledgers dropped afterwards: the caller
   * merged their winners in.
   */
  async restore(campaign: Campaign, coupons: readonly Coupon[]): Promise<void> {
    const winners = new Map<UserId, number>();
    let highest = 0;
    for (const coupon of coupons) {
      winners.set(coupon.userId, coupon.sequence);
      highest = Math.max(highest, coupon.sequence);
    }
    const keys = this.keys;
    await orUnavailable(async () => {
      const sharded = await this.layouts.storedShards(campaign.id);
      if (sharded) await this.layouts.fence(campaign.id);
      const staging = await stageWinners(this.redis, keys, campaign.id, winners);
      await registerCampaign(this.redis, keys, campaign.id);
      await this.#restore(
        keys.campaign(campaign.id),
        keys.users(campaign.id),
        keys.count(campaign.id),
        staging,
        keys.shardCount(campaign.id),
        encodeRules(campaign),
        highest,
        winners.size,
      );
      if (sharded) await this.layouts.dropSubLedgers(sharded.tags);
    });
  }
}
