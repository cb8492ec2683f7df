import { beforeEach, describe, expect, it } from 'vitest';
import { InMemoryCampaignRepository } from '../../src/adapters/memory/in-memory-campaign-repository.ts';
import { InMemoryCouponRepository } from '../../src/adapters/memory/in-memory-coupon-repository.ts';
import { InMemoryFailedIssuanceRepository } from '../../src/adapters/memory/in-memory-failed-issuance-repository.ts';
import { encodeCouponIssued } from '../../src/application/persist/coupon-issued-event.ts';
import { StoreUnavailableError } from '../../src/application/errors.ts';
import { RecordIssuedCoupons } from '../../src/application/persist/record-issued-coupons.ts';
import type { Campaign } from '../../src/domain/campaign.ts';
import type { Coupon } from '../../src/domain/coupon.ts';
import { CampaignMother, CouponMother, randomCampaignId } from '../support/mothers.ts';
import { CapturingLogger } from '../support/test-logger.ts';
import { ManualClock, ScriptedCouponRepository } from './fakes.ts';

describe('RecordIssuedCoupons', () => {
  let campaigns: InMemoryCampaignRepository;
  let coupons: ScriptedCouponRepository;
  let failures: InMemoryFailedIssuanceRepository;
  let clock: ManualClock;
  let logger: CapturingLogger;
  let record: RecordIssuedCoupons;
  let campaign: Campaign;

  const couponsOf = (count: number, campaignId = campaign.id): Coupon[] =>
    Array.from({ length: count }, (_, i) => CouponMother.of(campaignId, i + 1));
  const storedCount = () => coupons.countByCampaign(campaign.id);

  beforeEach(async () => {
    campaigns = new InMemoryCampaignRepository();
    coupons = new ScriptedCouponRepository(new InMemoryCouponRepository(campaigns));
    failures = new InMemoryFailedIssuanceRepository();
    clock = new ManualClock();
    logger = new CapturingLogger();
    record = new RecordIssuedCoupons(coupons, failures, clock, logger);
    campaign = CampaignMother.open();
    await campaigns.create(campaign);
  });

  it('persists a whole batch with ONE repository call', async () => {
    const batch = couponsOf(50);

    const result = await record.execute(batch.map(encodeCouponIssued));

    expect(result).toEqual({ persisted: 50, failed: 0 });
    expect(coupons.saveAllCalls).toHaveLength(1);
    expect(await storedCount()).toBe(50);
    for (const coupon of batch) {
      expect(await coupons.find(coupon.campaignId, coupon.userId)).toEqual(coupon);
    }
    expect(await failures.countOpen()).toBe(0);
  });

  it('makes redelivery harmless: the same batch twice stores each coupon once', async () => {
    const payloads = couponsOf(10).map(encodeCouponIssued);

    await record.execute(payloads);
    const again = await record.execute(payloads);

    expect(again).toEqual({ persisted: 10, failed: 0 });
    expect(await storedCount()).toBe(10);
    expect(await failures.countOpen()).toBe(0);
  });

  it('does nothing for an empty batch', async () => {
    expect(await record.execute([])).toEqual({ persisted: 0, failed: 0 });
    expect(coupons.saveAllCalls).toHaveLength(0);
  });

  describe('store outage', () => {
    it('rethrows StoreUnavailableError untouched and records nothing as failed', async () => {
      const outage = new StoreUnavailableError(new Error('ECONNREFUSED'));
      coupons.failNext(outage);

      await expect(record.execute(couponsOf(5).map(encodeCouponIssued))).rejects.toBe(outage);

      expect(await failures.countOpen()).toBe(0);
      expect(await storedCount()).toBe(0);
      expect(logger.at('error')).toEqual([]);
    });

    it('does not record undecodable payloads of a batch that hit an outage (it will come again)', async () => {
      coupons.failAlways(new StoreUnavailableError());

      await expect(
        record.execute(['garbage{', ...couponsOf(3).map(encodeCouponIssued)]),
      ).rejects.toBeInstanceOf(StoreUnavailableError);

      expect(await failures.countOpen()).toBe(0);
    });

    it('rethrows an outage that starts while isolating a poison record, recording nothing', async () => {
      // The batch insert fails for a poison reason, then the store goes down mid-isolation.
      coupons.failNext(new Error('duplicate sequence'), new StoreUnavailableError());

      await expect(record.execute(couponsOf(4).map(encodeCouponIssued))).rejects.toBeInstanceOf(
        StoreUnavailableError,
      );

      expect(await failures.countOpen()).toBe(0);
    });

    it('a redelivered batch after the outage is persisted completely', async () => {
      const payloads = couponsOf(20).map(encodeCouponIssued);
      coupons.failNext(new StoreUnavailableError());
      await expect(record.execute(payloads)).rejects.toBeInstanceOf(StoreUnavailableError);

      expect(await record.execute(payloads)).toEqual({ persisted: 20, failed: 0 });
      expect(await storedCount()).toBe(20);
    });
  });

  describe('poison records', () => {
    it('moves a coupon of an unknown campaign to failed_issuance and persists the rest', async () => {
      const good = couponsOf(9);
      const poison = CouponMother.of(randomCampaignId('ghost'), 1);
      const payloads = [...good.slice(0, 4), poison, ...good.slice(4)].map(encodeCouponIssued);
      clock.advance(1234);

      const result = await record.execute(payloads);

      expect(result).toEqual({ persisted: 9, failed: 1 });
      expect(await storedCount()).toBe(9);
      expect(await coupons.countByCampaign(poison.campaignId)).toBe(0);
      const open = await failures.listOpen(10);
      expect(open).toEqual([
        {
          id: expect.any(String) as string,
          campaignId: poison.campaignId,
          userId: poison.userId,
          payload: encodeCouponIssued(poison),
          error: `coupon refers to unknown campaign ${poison.campaignId}`,
          attempts: 1,
          createdAt: clock.now(),
          updatedAt: clock.now(),
          resolvedAt: undefined,
        },
      ]);
      expect(logger.at('warn').map((e) => e.message)).toEqual([
        'batch insert failed; isolating rows',
      ]);
      expect(logger.at('error')).toEqual([
        {
          level: 'error',
          context: { count: 1 },
          message: 'coupon events moved to failed_issuance',
        },
      ]);
    });

    it('isolates several poison records in one batch', async () => {
      const good = couponsOf(3);
      const ghosts = [
        CouponMother.of(randomCampaignId(), 1),
        CouponMother.of(randomCampaignId(), 2),
      ];

      const result = await record.execute(
        [ghosts[0]!, ...good, ghosts[1]!].map(encodeCouponIssued),
      );

      expect(result).toEqual({ persisted: 3, failed: 2 });
      expect((await failures.listOpen(10)).map((f) => f.userId).sort()).toEqual(
        ghosts.map((g) => g.userId).sort(),
      );
    });

    it('records a plain error of a single-row write as poison, with its message', async () => {
      const [coupon] = couponsOf(1);
      coupons.failNext(new Error('row too big'), new Error('row too big'));

      expect(await record.execute([encodeCouponIssued(coupon!)])).toEqual({
        persisted: 0,
        failed: 1,
      });

      expect((await failures.listOpen(10))[0]).toMatchObject({
        userId: coupon!.userId,
        error: 'row too big',
      });
    });
  });

  describe('undecodable payloads', () => {
    it('go to failed_issuance with the raw payload while the valid ones are persisted', async () => {
      const good = couponsOf(3);
      const badVersion = JSON.stringify({ v: 3, campaignId: campaign.id, userId: 'someone' });

      const result = await record.execute([
        'garbage{',
        ...good.map(encodeCouponIssued),
        badVersion,
      ]);

      expect(result).toEqual({ persisted: 3, failed: 2 });
      expect(await storedCount()).toBe(3);
      const open = await failures.listOpen(10);
      expect(
        open.map(({ campaignId, userId, payload, error, attempts }) => ({
          campaignId,
          userId,
          payload,
          error,
          attempts,
        })),
      ).toEqual([
        {
          campaignId: undefined,
          userId: undefined,
          payload: 'garbage{',
          error: 'payload is not JSON',
          attempts: 1,
        },
        {
          campaignId: campaign.id,
          userId: 'someone',
          payload: badVersion,
          error: 'unsupported schema version 3',
          attempts: 1,
        },
      ]);
      // Undecodable payloads never cost a row-by-row isolation.
      expect(coupons.saveAllCalls).toHaveLength(1);
    });

    it('a batch of only garbage never calls the repository', async () => {
      expect(await record.execute(['', '{}'])).toEqual({ persisted: 0, failed: 2 });
      expect(coupons.saveAllCalls).toHaveLength(0);
      expect(await failures.countOpen()).toBe(2);
    });
  });
});
