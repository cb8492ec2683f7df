import { describe, expect, it } from 'vitest';
import { couponFromFields, traceFromFields } from '../../src/adapters/redis/redis-outbox-stream.ts';
import { encodeCouponIssued } from '../../src/application/persist/coupon-issued-event.ts';
import { CouponMother, randomCampaignId } from '../support/mothers.ts';

/** An outbox entry is read with the coupon's one codec, whatever form the stream holds. */
describe('couponFromFields (outbox stream entries)', () => {
  const coupon = CouponMother.of(randomCampaignId(), 7);

  it('reads the coupon field: the primitives as JSON, exactly the event encoding', () => {
    expect(couponFromFields(coupon.campaignId, ['coupon', encodeCouponIssued(coupon)])).toEqual(
      coupon,
    );
  });

  it('reads entries of the field-per-value form written before the codec', () => {
    const fields = [
      ...['campaignId', coupon.campaignId, 'userId', coupon.userId],
      ...['sequence', '7', 'issuedAt', String(coupon.issuedAt.getTime())],
    ];
    expect(couponFromFields(coupon.campaignId, fields)).toEqual(coupon);
  });

  it('names the problem of an entry that is not a coupon of this stream', () => {
    expect(couponFromFields(randomCampaignId(), ['coupon', encodeCouponIssued(coupon)])).toBe(
      'campaignId is not this stream',
    );
    expect(couponFromFields(coupon.campaignId, ['coupon', '{"v":2}'])).toBe('invalid campaignId');
    expect(couponFromFields(coupon.campaignId, ['campaignId', coupon.campaignId])).toBe(
      'invalid userId',
    );
    expect(couponFromFields(coupon.campaignId, ['coupon', 'nope'])).toBe('payload is not JSON');
  });

  it("reads the application's trace kept beside the coupon, when there is one", () => {
    const trace = `00-${'ab'.repeat(16)}-${'cd'.repeat(8)}-01`;
    const json = encodeCouponIssued(coupon);
    expect(traceFromFields(['coupon', json, 'trace', trace])).toBe(trace);
    expect(couponFromFields(coupon.campaignId, ['coupon', json, 'trace', trace])).toEqual(coupon);
    expect(traceFromFields(['coupon', json])).toBeUndefined();
    expect(traceFromFields(['coupon', json, 'trace', ''])).toBeUndefined();
  });
});
