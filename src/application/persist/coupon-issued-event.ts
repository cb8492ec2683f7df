import type { Coupon } from '../../domain/coupon.ts';
import { parseCampaignId, parseUserId } from '../../domain/ids.ts';

/**
 * The `CouponIssued` event as it travels through the log, versioned so consumers can refuse
 * what they do not understand instead of guessing. Version 1:
 * `{"v":1,"campaignId":"…","userId":"…","sequence":1,"issuedAt":"<ISO-8601>"}`
 */
export const COUPON_ISSUED_SCHEMA_VERSION = 1;

export function encodeCouponIssued(coupon: Coupon): string {
  return JSON.stringify({
    v: COUPON_ISSUED_SCHEMA_VERSION,
    campaignId: coupon.campaignId,
    userId: coupon.userId,
    sequence: coupon.sequence,
    issuedAt: coupon.issuedAt.toISOString(),
  });
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
  if (typeof raw !== 'object' || raw === null)
    return { ok: false, error: 'payload is not an object' };
  const event = raw as Record<string, unknown>;
  if (event['v'] !== COUPON_ISSUED_SCHEMA_VERSION) {
    return { ok: false, error: `unsupported schema version ${String(event['v'])}` };
  }
  const campaignId = parseCampaignId(event['campaignId']);
  const userId = parseUserId(event['userId']);
  const sequence = event['sequence'];
  const issuedAt = typeof event['issuedAt'] === 'string' ? new Date(event['issuedAt']) : undefined;
  if (!campaignId.ok) return { ok: false, error: 'invalid campaignId' };
  if (!userId.ok) return { ok: false, error: 'invalid userId' };
  if (typeof sequence !== 'number' || !Number.isInteger(sequence) || sequence < 1) {
    return { ok: false, error: 'invalid sequence' };
  }
  if (!issuedAt || Number.isNaN(issuedAt.getTime()))
    return { ok: false, error: 'invalid issuedAt' };
  return {
    ok: true,
    coupon: { campaignId: campaignId.value, userId: userId.value, sequence, issuedAt },
  };
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
