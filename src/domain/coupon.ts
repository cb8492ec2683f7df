import { parseCampaignId, parseUserId, type CampaignId, type UserId } from './ids.ts';
import type { Result } from './result.ts';

/**
 * A granted coupon. `sequence` is the grant order within the campaign, 1-based and unique;
 * gap-free except in sharded-stock mode (docs/scaling.md), where it is only unique.
 */
export interface Coupon {
  readonly campaignId: CampaignId;
  readonly userId: UserId;
  readonly sequence: number;
  readonly issuedAt: Date;
  /** Set once an operator revoked it (fraud, a cancelled order). */
  readonly revoked?: Revocation;
}

/** A coupon's revocation: when, and whether its unit went back to stock (to be granted once more). */
export interface Revocation {
  readonly at: Date;
  readonly returned: boolean;
}

/**
 * The version of the coupon's primitive form. 2: `issuedAt` in epoch milliseconds (1 had an
 * ISO-8601 string there; it is still read, so events written before an upgrade are not refused).
 */
export const COUPON_SCHEMA_VERSION = 2;

/**
 * A coupon as plain values, the ONE form every encoding of it is made from: the Redis outbox
 * entry (its fields, written by the reserve script under these names), the event in the log
 * (JSON), the persistence mark (JSON) and the row. A new field is added here, once.
 */
export interface CouponPrimitives {
  readonly v: number;
  readonly campaignId: string;
  readonly userId: string;
  readonly sequence: number;
  /** Epoch milliseconds. */
  readonly issuedAt: number;
  /** A revoked coupon's revocation instant (epoch ms); absent while it is not revoked. */
  readonly revokedAt?: number;
  /** With revokedAt: whether its unit went back to stock. */
  readonly returned?: boolean;
}

export function couponToPrimitives(coupon: Coupon): CouponPrimitives {
  return {
    v: COUPON_SCHEMA_VERSION,
    campaignId: coupon.campaignId,
    userId: coupon.userId,
    sequence: coupon.sequence,
    issuedAt: coupon.issuedAt.getTime(),
    ...(coupon.revoked
      ? { revokedAt: coupon.revoked.at.getTime(), returned: coupon.revoked.returned }
      : {}),
  };
}

/**
 * Reads a coupon back from its primitives, as strictly as the ids are parsed at the edge: numbers
 * must be numbers. Extra fields are ignored (forward compatible within a version); a version this
 * code does not know is refused rather than guessed at.
 */
export function couponFromPrimitives(raw: Readonly<Record<string, unknown>>): Result<Coupon> {
  const version = raw['v'];
  if (version !== 1 && version !== COUPON_SCHEMA_VERSION) {
    return problem('v', `unsupported schema version ${String(raw['v'])}`);
  }
  const campaignId = parseCampaignId(raw['campaignId']);
  if (!campaignId.ok) return problem('campaignId', 'invalid campaignId');
  const userId = parseUserId(raw['userId']);
  if (!userId.ok) return problem('userId', 'invalid userId');
  const sequence = integer(raw['sequence']);
  if (sequence === undefined || sequence < 1) return problem('sequence', 'invalid sequence');
  const issuedAt = version === 1 ? isoInstant(raw['issuedAt']) : integer(raw['issuedAt']);
  if (issuedAt === undefined) return problem('issuedAt', 'invalid issuedAt');
  const revokedAt = raw['revokedAt'] === undefined ? undefined : integer(raw['revokedAt']);
  if (raw['revokedAt'] !== undefined && revokedAt === undefined) {
    return problem('revokedAt', 'invalid revokedAt');
  }
  return {
    ok: true,
    value: {
      campaignId: campaignId.value,
      userId: userId.value,
      sequence,
      issuedAt: new Date(issuedAt),
      ...(revokedAt === undefined
        ? {}
        : { revoked: { at: new Date(revokedAt), returned: raw['returned'] === true } }),
    },
  };
}

function integer(value: unknown): number | undefined {
  return typeof value === 'number' && Number.isSafeInteger(value) ? value : undefined;
}

function isoInstant(value: unknown): number | undefined {
  const ms = typeof value === 'string' ? Date.parse(value) : Number.NaN;
  return Number.isNaN(ms) ? undefined : ms;
}

const problem = (field: string, message: string): Result<Coupon> => ({
  ok: false,
  problems: [{ field, message }],
});
