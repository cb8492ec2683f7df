import { describe, expect, it } from 'vitest';
import {
  COUPON_ISSUED_SCHEMA_VERSION,
  decodeCouponIssued,
  encodeCouponIssued,
  peekIds,
} from '../../src/application/persist/coupon-issued-event.ts';
import { CouponMother, randomCampaignId, randomUserId } from '../support/mothers.ts';

const valid = () => ({
  v: COUPON_ISSUED_SCHEMA_VERSION,
  campaignId: randomCampaignId(),
  userId: randomUserId(),
  sequence: 7,
  issuedAt: Date.parse('2026-11-25T12:00:00.123Z'),
});
const without = (key: string) => {
  const event: Record<string, unknown> = valid();
  delete event[key];
  return JSON.stringify(event);
};
const withField = (key: string, value: unknown) => JSON.stringify({ ...valid(), [key]: value });

describe('CouponIssued event', () => {
  it('round-trips: decode(encode(coupon)) equals the coupon', () => {
    const coupon = CouponMother.of(randomCampaignId(), 42);
    expect(decodeCouponIssued(encodeCouponIssued(coupon))).toEqual({ ok: true, coupon });
  });

  it('encodes version 2: the coupon primitives, issuedAt in epoch milliseconds', () => {
    const coupon = CouponMother.of(randomCampaignId(), 1);
    expect(JSON.parse(encodeCouponIssued(coupon))).toEqual({
      v: 2,
      campaignId: coupon.campaignId,
      userId: coupon.userId,
      sequence: 1,
      issuedAt: coupon.issuedAt.getTime(),
    });
  });

  it('still reads version 1 (issuedAt as ISO-8601), written before an upgrade', () => {
    const coupon = CouponMother.of(randomCampaignId(), 3);
    const v1 = JSON.stringify({
      v: 1,
      campaignId: coupon.campaignId,
      userId: coupon.userId,
      sequence: 3,
      issuedAt: coupon.issuedAt.toISOString(),
    });
    expect(decodeCouponIssued(v1)).toEqual({ ok: true, coupon });
    expect(decodeCouponIssued(JSON.stringify({ ...JSON.parse(v1), issuedAt: 5 })).ok).toBe(false);
  });

  it('ignores fields it does not know (forward compatible within a version)', () => {
    const decoded = decodeCouponIssued(withField('extra', 'x'));
    expect(decoded.ok).toBe(true);
  });

  it.each([
    ['version 3', withField('v', 3), 'unsupported schema version 3'],
    ['version as a string', withField('v', '2'), 'unsupported schema version 2'],
    ['no version', without('v'), 'unsupported schema version undefined'],
    ['not JSON', 'garbage{', 'payload is not JSON'],
    ['empty string', '', 'payload is not JSON'],
    ['JSON null', 'null', 'payload is not an object'],
    ['JSON number', '42', 'payload is not an object'],
    ['JSON string', '"hello"', 'payload is not an object'],
    ['missing campaignId', without('campaignId'), 'invalid campaignId'],
    ['bad campaignId', withField('campaignId', 'UPPER'), 'invalid campaignId'],
    ['missing userId', without('userId'), 'invalid userId'],
    ['bad userId', withField('userId', 'a b'), 'invalid userId'],
    ['missing sequence', without('sequence'), 'invalid sequence'],
    ['sequence 0', withField('sequence', 0), 'invalid sequence'],
    ['fractional sequence', withField('sequence', 1.5), 'invalid sequence'],
    ['sequence as a string', withField('sequence', '7'), 'invalid sequence'],
    ['missing issuedAt', without('issuedAt'), 'invalid issuedAt'],
    ['unparseable issuedAt', withField('issuedAt', 'yesterday'), 'invalid issuedAt'],
    [
      'issuedAt as an ISO string in version 2',
      withField('issuedAt', '2026-11-25T12:00:00Z'),
      'invalid issuedAt',
    ],
    ['fractional issuedAt', withField('issuedAt', 1.5), 'invalid issuedAt'],
  ])('refuses %s with a reason', (_name, payload, error) => {
    expect(decodeCouponIssued(payload)).toEqual({ ok: false, error });
  });
});

describe('peekIds', () => {
  it('finds the ids of a payload that does not decode', () => {
    const payload = JSON.stringify({ v: 99, campaignId: 'c-1', userId: 'u-1' });
    expect(decodeCouponIssued(payload).ok).toBe(false);
    expect(peekIds(payload)).toEqual({ campaignId: 'c-1', userId: 'u-1' });
  });

  it('keeps at most 64 characters of each id', () => {
    const payload = JSON.stringify({ campaignId: 'c'.repeat(100), userId: 'u'.repeat(65) });
    expect(peekIds(payload)).toEqual({ campaignId: 'c'.repeat(64), userId: 'u'.repeat(64) });
  });

  it('gives undefined for ids that are not strings or missing', () => {
    expect(peekIds(JSON.stringify({ campaignId: 7 }))).toEqual({
      campaignId: undefined,
      userId: undefined,
    });
  });

  it.each(['garbage{', '', 'null', '42'])('never throws, even on %j', (payload) => {
    expect(peekIds(payload)).toEqual({ campaignId: undefined, userId: undefined });
  });
});
