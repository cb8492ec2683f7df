import { describe, expect, it } from 'vitest';
import { InMemoryCampaignRepository } from '../../src/adapters/memory/in-memory-campaign-repository.ts';
import { InMemoryCouponRepository } from '../../src/adapters/memory/in-memory-coupon-repository.ts';
import { InMemoryIssuanceLedger } from '../../src/adapters/memory/in-memory-issuance-ledger.ts';
import { InMemoryLedgerStore } from '../../src/adapters/memory/in-memory-ledger-store.ts';
import { InMemoryPersistenceMarks } from '../../src/adapters/memory/in-memory-persistence-marks.ts';
import type { PersistenceMarks } from '../../src/application/ports/persistence-marks.port.ts';
import { GetIssuanceStatus } from '../../src/application/read/get-issuance-status.ts';
import { PersistedRecord } from '../../src/application/read/persisted-record.ts';
import type { Coupon } from '../../src/domain/coupon.ts';
import type { CampaignId, UserId } from '../../src/domain/ids.ts';
import { CampaignMother, userIds } from '../support/mothers.ts';
import { openCampaign } from './fakes.ts';

const NOW = new Date();

/** The persistence marks, counting the per-user lookups a status read makes. */
class CountingMarks implements PersistenceMarks {
  lookups = 0;
  counts = 0;
  constructor(private readonly inner: PersistenceMarks) {}
  mark(coupons: readonly Coupon[]) {
    return this.inner.mark(coupons);
  }
  lookup(campaignId: CampaignId, userId: UserId) {
    this.lookups += 1;
    return this.inner.lookup(campaignId, userId);
  }
  count(campaignId: CampaignId) {
    this.counts += 1;
    return this.inner.count(campaignId);
  }
  beginSeed(campaignId: CampaignId) {
    return this.inner.beginSeed(campaignId);
  }
  completeSeed(campaignId: CampaignId, coupons: readonly Coupon[], token: string) {
    return this.inner.completeSeed(campaignId, coupons, token);
  }
}

async function reads(refreshMs: number) {
  const store = new InMemoryLedgerStore();
  const ledger = new InMemoryIssuanceLedger(store);
  const campaigns = new InMemoryCampaignRepository();
  const coupons = new InMemoryCouponRepository(campaigns);
  const marks = new CountingMarks(new InMemoryPersistenceMarks(store));
  const record = new PersistedRecord(marks, coupons, refreshMs);
  const status = new GetIssuanceStatus(campaigns, ledger, record, { request: () => undefined });
  const campaign = await openCampaign(campaigns, ledger, CampaignMother.open({ totalQuantity: 3 }));
  const granted: Coupon[] = [];
  for (const userId of userIds(3)) {
    const reservation = await ledger.reserve(campaign.id, userId, NOW);
    if (reservation.kind === 'issued') granted.push(reservation.coupon);
  }
  // The consumer's write: rows first, then their marks.
  const persist = async (batch: Coupon[]) => {
    await coupons.saveAll(batch);
    await marks.mark(batch);
  };
  return { campaign, granted, persist, marks, status };
}

describe('GetIssuanceStatus: is it durable?', () => {
  it('once every grant of the campaign is durable, answers without a lookup per user', async () => {
    const { campaign, granted, persist, marks, status } = await reads(60_000);
    await persist(granted);

    for (const coupon of granted) {
      expect(await status.execute(campaign.id, coupon.userId)).toMatchObject({
        kind: 'issued',
        persisted: true,
      });
    }
    expect(marks.lookups).toBe(0);
    // The first read finds the marks unseeded, seeds them and counts again; that count is reused.
    expect(marks.counts).toBe(2);
  });

  it('never says durable ahead of the record: a count short of the grants asks each user', async () => {
    const { campaign, granted, persist, marks, status } = await reads(60_000);
    await persist(granted.slice(0, 2));

    expect(await status.execute(campaign.id, granted[0]!.userId)).toMatchObject({
      persisted: true,
    });
    expect(await status.execute(campaign.id, granted[2]!.userId)).toMatchObject({
      persisted: false,
    });
    expect(marks.lookups).toBe(2);
  });

  it('a reused count only lags: the last coupon written after it is still asked for', async () => {
    const { campaign, granted, persist, status } = await reads(60_000);
    await persist(granted.slice(0, 2));
    await status.execute(campaign.id, granted[0]!.userId); // the count (2 of 3) is now reused

    await persist(granted.slice(2));

    expect(await status.execute(campaign.id, granted[2]!.userId)).toMatchObject({
      persisted: true,
    });
  });
});
