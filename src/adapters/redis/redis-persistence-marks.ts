import type {
  MarkLookup,
  PersistenceMarks,
} from '../../application/ports/persistence-marks.port.ts';
import {
  decodeCouponIssued,
  encodeCouponIssued,
} from '../../application/persist/coupon-issued-event.ts';
import { COUPON_SCHEMA_VERSION, type Coupon } from '../../domain/coupon.ts';
import type { CampaignId, UserId } from '../../domain/ids.ts';
import type { RedisConnection } from './redis-client.ts';
import { hsetInBatches } from './hash-batches.ts';
import { orUnavailable } from './redis-errors.ts';
import { RedisKeys, type KeyNamespace } from './redis-keys.ts';
import {
  PERSISTED_READ,
  PERSISTED_SEED,
  registerScript,
  type ScriptCall,
} from './redis-scripts.ts';

/**
 * Persistence marks in Redis, beside the campaign's ledger keys (same hash tag, same slot):
 * `{id}:persisted` HASH userId → the coupon's primitives as JSON (the domain's codec), and `{id}:persisted-run`, the run_id of
 * the server process on which they were seeded complete. HSET makes a redelivered mark a no-op,
 * so the hash's length is the exact number of durable coupons; a restart, a failover to a
 * replica or a flush changes or removes the run, and the marks answer `incomplete` until the
 * next seed (persisted-read.lua, persisted-seed.lua).
 */
export class RedisPersistenceMarks implements PersistenceMarks {
  readonly #keys: RedisKeys;
  readonly #read: ScriptCall;
  readonly #seed: ScriptCall;

  constructor(
    private readonly redis: RedisConnection,
    options: KeyNamespace = {},
  ) {
    this.#keys = new RedisKeys(options.keyPrefix);
    this.#read = registerScript(redis, PERSISTED_READ);
    this.#seed = registerScript(redis, PERSISTED_SEED);
  }

  mark(coupons: readonly Coupon[]): Promise<void> {
    const byCampaign = new Map<CampaignId, string[]>();
    for (const coupon of coupons) {
      let fields = byCampaign.get(coupon.campaignId);
      if (!fields) byCampaign.set(coupon.campaignId, (fields = []));
      fields.push(coupon.userId, encodeCouponIssued(coupon));
    }
    return orUnavailable(async () => {
      await Promise.all(
        [...byCampaign].map(([campaignId, fields]) =>
          hsetInBatches(this.redis, this.#keys.persisted(campaignId), fields),
        ),
      );
    });
  }

  lookup(campaignId: CampaignId, userId: UserId): Promise<MarkLookup> {
    return orUnavailable(async () => {
      const [kind, mark] = replyOf(await this.#read(...this.keysOf(campaignId), userId));
      if (kind === 'incomplete' || kind === 'absent') return { kind };
      if (kind === 'persisted') {
        return { kind, coupon: markedCoupon(campaignId, userId, mark) };
      }
      throw new Error(`persisted-read.lua answered ${kind} to a lookup`);
    });
  }

  count(campaignId: CampaignId): Promise<number | undefined> {
    return orUnavailable(async () => {
      const [kind, count] = replyOf(await this.#read(...this.keysOf(campaignId), ''));
      if (kind === 'incomplete') return undefined;
      if (kind === 'count' && typeof count === 'number') return count;
      throw new Error(`persisted-read.lua answered ${kind} to a count`);
    });
  }

  beginSeed(campaignId: CampaignId): Promise<string> {
    return orUnavailable(async () =>
      String(await this.#seed(this.#keys.persistedRun(campaignId), '')),
    );
  }

  async completeSeed(
    campaignId: CampaignId,
    coupons: readonly Coupon[],
    token: string,
  ): Promise<boolean> {
    await this.mark(coupons);
    return orUnavailable(
      async () => (await this.#seed(this.#keys.persistedRun(campaignId), token)) === 1,
    );
  }

  private keysOf(campaignId: CampaignId): [string, string] {
    return [this.#keys.persisted(campaignId), this.#keys.persistedRun(campaignId)];
  }
}

/** persisted-read.lua's `{kind, value}` reply. */
function replyOf(reply: unknown): [string, unknown] {
  const [kind, value] = Array.isArray(reply) ? (reply as unknown[]) : [];
  return [String(kind), value];
}

/** A mark's coupon; marks written before the codec held "sequence:issuedAt ms". */
function markedCoupon(campaignId: CampaignId, userId: UserId, reply: unknown): Coupon {
  const text = typeof reply === 'string' ? reply : '';
  const legacy = /^(\d+):(\d+)$/.exec(text);
  const decoded = legacy
    ? decodeCouponIssued(
        JSON.stringify({
          v: COUPON_SCHEMA_VERSION,
          campaignId,
          userId,
          sequence: Number(legacy[1]),
          issuedAt: Number(legacy[2]),
        }),
      )
    : decodeCouponIssued(text);
  if (!decoded.ok || decoded.coupon.campaignId !== campaignId || decoded.coupon.userId !== userId) {
    throw new Error(`malformed persistence mark ${JSON.stringify(reply)}`);
  }
  return decoded.coupon;
}
