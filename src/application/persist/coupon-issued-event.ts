import {
  COUPON_SCHEMA_VERSION,
  couponFromPrimitives,
  couponToPrimitives,
  type Coupon,
} from '../../domain/coupon.ts';

/**
 * The `CouponIssued` event as it travels through the log: the coupon's primitives as JSON,
 * versioned so consumers refuse what they do not understand instead of guessing (the version and
 * the fields are the domain's, see CouponPrimitives). Version 2:
 * `{"v":2,"campaignId":"…","userId":"…","sequence":1,"issuedAt":1764072000000}`; version 1
 * (issuedAt as ISO-8601) is still read.
 */
export const COUPON_ISSUED_SCHEMA_VERSION = COUPON_SCHEMA_VERSION;

export function encodeCouponIssued(coupon: Coupon): string {
  return JSON.stringify(couponToPrimitives(coupon));
}

/**
 * What failed_issuance.error starts with for an event the consumer refused to trust (no or bad
 * signature). Such a row is evidence, never a coupon: `retry-failed` must not replay it (G4).
 */
export const UNTRUSTED_EVENT = 'untrusted event';

export function isUntrustedFailure(error: string): boolean {
  return error.startsWith(UNTRUSTED_EVENT);
}

export type Decoded = { ok: true; coupon: Coupon } | { ok: false; error: string };

export function decodeCouponIssued(payload: string): Decoded {
  let raw: unknown;
  try {
    raw = JSON.parse(payload);
  } catch {
    return { ok: false, error: 'payload is not JSON' };
  }
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) {
    return { ok: false, error: 'payload is not an object' };
  }
  const decoded = couponFromPrimitives(raw as Record<string, unknown>);
  return decoded.ok
    ? { ok: true, coupon: decoded.value }
    : { ok: false, error: decoded.problems[0]?.message ?? 'invalid coupon' };
}

/** Best-effort ids of an undecodable payload, so a failure row can still be found by campaign. */
export function peekIds(payload: string): {
  campaignId: string | undefined;
  userId: string | undefined;
} {
  try {
    const raw = JSON.parse(payload) as Record<string, unknown>;
    const pick = (value: unknown) => (typeof value === 'string' ? value.slice(0, 64) : undefined);
    return { campaignId: pick(raw['campaignId']), userId: pick(raw['userId']) };
  } catch {
    return { campaignId: undefined, userId: undefined };
  }
}
