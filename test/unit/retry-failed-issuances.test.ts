import { beforeEach, describe, expect, it } from 'vitest';
import { InMemoryCampaignRepository } from '../../src/adapters/memory/in-memory-campaign-repository.ts';
import { InMemoryCouponRepository } from '../../src/adapters/memory/in-memory-coupon-repository.ts';
import { InMemoryFailedIssuanceRepository } from '../../src/adapters/memory/in-memory-failed-issuance-repository.ts';
import { encodeCouponIssued } from '../../src/application/persist/coupon-issued-event.ts';
import { StoreUnavailableError } from '../../src/application/errors.ts';
import { RecordIssuedCoupons } from '../../src/application/persist/record-issued-coupons.ts';
import { RetryFailedIssuances } from '../../src/application/persist/retry-failed-issuances.ts';
import type { Coupon } from '../../src/domain/coupon.ts';
import { CampaignMother, CouponMother, randomCampaignId } from '../support/mothers.ts';
import { silentLogger } from '../support/test-logger.ts';
import { ManualClock, ScriptedCouponRepository } from './fakes.ts';

describe('RetryFailedIssuances', () => {
  let campaigns: InMemoryCampaignRepository;
  let coupons: ScriptedCouponRepository;
  let failures: InMemoryFailedIssuanceRepository;
  let clock: ManualClock;
  let record: RecordIssuedCoupons;
  let retry: RetryFailedIssuances;

  beforeEach(() => {
    campaigns = new InMemoryCampaignRepository();
    coupons = new ScriptedCouponRepository(new InMemoryCouponRepository(campaigns));
    failures = new InMemoryFailedIssuanceRepository();
    clock = new ManualClock();
    record = new RecordIssuedCoupons(coupons, failures, clock, silentLogger);
    retry = new RetryFailedIssuances(failures, coupons, clock);
  });

  /** Records coupons of a campaign that does not exist yet: they land in failed_issuance. */
  const poisonOf = async (count: number) => {
    const campaign = CampaignMother.open({ id: randomCampaignId('late') });
    const batch: Coupon[] = Array.from({ length: count }, (_, i) =>
      CouponMother.of(campaign.id, i + 1),
    );
    expect(await record.execute(batch.map(encodeCouponIssued))).toEqual({
      persisted: 0,
      failed: count,
    });
    return { campaign, batch };
  };

  it('resolves failures once the campaign exists, storing each coupon', async () => {
    const { campaign, batch } = await poisonOf(3);
    await campaigns.create(campaign);

    expect(await retry.execute()).toEqual({ resolved: 3, stillFailing: 0 });

    expect(await coupons.countByCampaign(campaign.id)).toBe(3);
    for (const coupon of batch)
      expect(await coupons.find(campaign.id, coupon.userId)).toEqual(coupon);
    expect(await failures.countOpen()).toBe(0);
  });

  it('is idempotent: a second run resolves 0 and the coupon is stored once', async () => {
    const { campaign, batch } = await poisonOf(1);
    await campaigns.create(campaign);

    expect(await retry.execute()).toEqual({ resolved: 1, stillFailing: 0 });
    expect(await retry.execute()).toEqual({ resolved: 0, stillFailing: 0 });

    expect(await coupons.countByCampaign(campaign.id)).toBe(1);
    expect(await coupons.find(campaign.id, batch[0]!.userId)).toEqual(batch[0]);
  });

  it('resolves a failure whose coupon was stored meanwhile (saveAll is idempotent)', async () => {
    const { campaign, batch } = await poisonOf(1);
    await campaigns.create(campaign);
    await coupons.saveAll(batch);

    expect(await retry.execute()).toEqual({ resolved: 1, stillFailing: 0 });
    expect(await coupons.countByCampaign(campaign.id)).toBe(1);
  });

  it('keeps a row that fails again open, raising attempts and updating the error', async () => {
    const { campaign } = await poisonOf(1);
    clock.advance(60_000);

    expect(await retry.execute()).toEqual({ resolved: 0, stillFailing: 1 });
    expect(await retry.execute()).toEqual({ resolved: 0, stillFailing: 1 });

    const [row] = await failures.listOpen(10);
    expect(row).toMatchObject({
      attempts: 3,
      error: `coupon refers to unknown campaign ${campaign.id}`,
      resolvedAt: undefined,
      updatedAt: clock.now(),
    });
    expect(row!.createdAt.getTime()).toBeLessThan(clock.now().getTime());
  });

  it('keeps an undecodable payload open with its decode error', async () => {
    await record.execute(['garbage{']);

    expect(await retry.execute()).toEqual({ resolved: 0, stillFailing: 1 });

    expect(await failures.listOpen(10)).toMatchObject([
      { payload: 'garbage{', error: 'payload is not JSON', attempts: 2 },
    ]);
    expect(coupons.saveAllCalls).toHaveLength(0);
  });

  it('stops on a store outage, marking nothing', async () => {
    const { campaign } = await poisonOf(2);
    await campaigns.create(campaign);
    const outage = new StoreUnavailableError();
    coupons.failAlways(outage);

    await expect(retry.execute()).rejects.toBe(outage);

    expect(await failures.listOpen(10)).toMatchObject([{ attempts: 1 }, { attempts: 1 }]);
    coupons.heal();
    expect(await retry.execute()).toEqual({ resolved: 2, stillFailing: 0 });
  });

  it('replays at most `limit` rows per run, oldest first', async () => {
    const { campaign, batch } = await poisonOf(5);
    await campaigns.create(campaign);

    expect(await retry.execute(2)).toEqual({ resolved: 2, stillFailing: 0 });

    expect(await failures.countOpen()).toBe(3);
    const stored = await coupons.listByCampaign(campaign.id, 0, 10);
    expect(stored.map((c) => c.userId)).toEqual(batch.slice(0, 2).map((c) => c.userId));
  });
});
