import { describe, expect, it } from 'vitest';
import { RedisPersistenceMarks } from '../../src/adapters/redis/redis-persistence-marks.ts';
import { CouponMother, randomCampaignId, randomUserId } from '../support/mothers.ts';
import { testNamespace, useRedis } from '../support/redis-layouts.ts';

const redis = useRedis('single');

describe('RedisPersistenceMarks', () => {
  const make = () => {
    const keys = testNamespace();
    return { keys, marks: new RedisPersistenceMarks(redis(), { keyPrefix: keys.prefix }) };
  };

  it('is incomplete until seeded, then exact: a redelivered mark never counts twice', async () => {
    const { marks } = make();
    const campaignId = randomCampaignId();
    const stored = CouponMother.of(campaignId, 1);
    expect(await marks.count(campaignId)).toBeUndefined();
    expect(await marks.lookup(campaignId, stored.userId)).toEqual({ kind: 'incomplete' });

    const token = await marks.beginSeed(campaignId);
    expect(await marks.completeSeed(campaignId, [stored], token)).toBe(true);
    const later = CouponMother.of(campaignId, 2);
    await marks.mark([later]);
    await marks.mark([later, stored]); // redelivery

    expect(await marks.count(campaignId)).toBe(2);
    expect(await marks.lookup(campaignId, later.userId)).toEqual({
      kind: 'persisted',
      coupon: later,
    });
    expect(await marks.lookup(campaignId, randomUserId())).toEqual({ kind: 'absent' });
  });

  it('refuses a seed begun on another server process, and forgets completeness when its run is lost', async () => {
    const { keys, marks } = make();
    const campaignId = randomCampaignId();
    expect(await marks.completeSeed(campaignId, [], 'f'.repeat(40))).toBe(false);
    expect(await marks.count(campaignId)).toBeUndefined();

    expect(await marks.completeSeed(campaignId, [], await marks.beginSeed(campaignId))).toBe(true);
    expect(await marks.count(campaignId)).toBe(0);
    await redis().del(keys.persistedRun(campaignId)); // a flush, or a restart from older data
    expect(await marks.count(campaignId)).toBeUndefined();
  });

  it('holds each mark as the coupon codec encodes it, and still reads marks of the older "sequence:ms" form', async () => {
    const { keys, marks } = make();
    const campaignId = randomCampaignId();
    const current = CouponMother.of(campaignId, 1);
    const older = CouponMother.of(campaignId, 2);
    await marks.completeSeed(campaignId, [current], await marks.beginSeed(campaignId));
    await redis().hset(
      keys.persisted(campaignId),
      older.userId,
      `${older.sequence}:${older.issuedAt.getTime()}`,
    );

    expect(
      JSON.parse((await redis().hget(keys.persisted(campaignId), current.userId)) ?? ''),
    ).toEqual({ v: 2, ...current, issuedAt: current.issuedAt.getTime() });
    expect(await marks.lookup(campaignId, current.userId)).toEqual({
      kind: 'persisted',
      coupon: current,
    });
    expect(await marks.lookup(campaignId, older.userId)).toEqual({
      kind: 'persisted',
      coupon: older,
    });
  });
});
