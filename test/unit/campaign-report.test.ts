import { describe, expect, it } from 'vitest';
import { InMemoryCampaignReportStore } from '../../src/adapters/memory/in-memory-campaign-report-store.ts';
import { InMemoryCampaignRepository } from '../../src/adapters/memory/in-memory-campaign-repository.ts';
import { InMemoryCouponRepository } from '../../src/adapters/memory/in-memory-coupon-repository.ts';
import { InMemoryIssuanceLedger } from '../../src/adapters/memory/in-memory-issuance-ledger.ts';
import { InMemoryLedgerStore } from '../../src/adapters/memory/in-memory-ledger-store.ts';
import { LedgerUnavailableError, StoreUnavailableError } from '../../src/application/errors.ts';
import { ApplyForCoupon } from '../../src/application/issue/apply-for-coupon.ts';
import type {
  CampaignReportStore,
  CampaignTally,
} from '../../src/application/ports/campaign-report-store.port.ts';
import {
  DELAY_BUCKETS_MS,
  delayBucket,
  OVERFLOW_BUCKET_MS,
  summariseDelays,
} from '../../src/application/report/delay-buckets.ts';
import { FlushReportTally } from '../../src/application/report/flush-report-tally.ts';
import { GetCampaignReport } from '../../src/application/report/get-campaign-report.ts';
import {
  MAX_CAMPAIGNS_PER_WINDOW,
  ReportTally,
} from '../../src/application/report/report-tally.ts';
import { TalliedApplyForCoupon } from '../../src/application/report/tallied-apply-for-coupon.ts';
import { TalliedCouponRepository } from '../../src/application/report/tallied-coupon-repository.ts';
import type { CampaignId, UserId } from '../../src/domain/ids.ts';
import { CampaignMother, CouponMother, randomCampaignId, userIds } from '../support/mothers.ts';
import { CapturingLogger } from '../support/test-logger.ts';
import { ManualClock } from './fakes.ts';

/** The apply path as composeCore builds it, with the report's counters around it. */
async function tallied(totalQuantity = 3) {
  const clock = new ManualClock(new Date('2026-12-10T09:00:00.250Z'));
  const campaigns = new InMemoryCampaignRepository();
  const ledger = new InMemoryIssuanceLedger(new InMemoryLedgerStore());
  const campaign = CampaignMother.open({ totalQuantity });
  await campaigns.create(campaign);
  await ledger.define(campaign);
  const tally = new ReportTally(clock);
  const apply = new TalliedApplyForCoupon(
    new ApplyForCoupon(ledger, campaigns, clock, { request: () => undefined }),
    tally,
  );
  return { clock, campaigns, ledger, campaign, tally, apply };
}

describe('ReportTally through the apply decorator', () => {
  it('counts each answer by outcome in the window of the second it opened in', async () => {
    const { campaign, tally, apply, clock } = await tallied(3);
    const [a, b, c, d] = userIds(4);
    for (const user of [a, b, a, c, d, d]) await apply.execute(campaign.id, user!);
    clock.advance(1000);

    const [window, ...others] = tally.take();

    expect(others).toEqual([]);
    expect(window).toMatchObject({
      campaignId: campaign.id,
      second: Date.parse('2026-12-10T09:00:00Z') / 1000,
      answers: { issued: 3, 'already-issued': 1, 'sold-out': 2 },
      // One call at a time here: never more than one in flight.
      peakInFlight: 1,
      firstSoldOutAt: new Date('2026-12-10T09:00:00.250Z'),
    });
    expect(window!.firstGrantAt!.getTime()).toBeLessThanOrEqual(window!.lastGrantAt!.getTime());
    // The next window starts empty, labelled with its own second.
    await apply.execute(campaign.id, a!);
    expect(tally.take()).toMatchObject([
      { second: Date.parse('2026-12-10T09:00:01Z') / 1000, answers: { 'already-issued': 1 } },
    ]);
  });

  it('counts the peak of concurrent calls, a thrown call as error, never an unknown campaign', async () => {
    const { campaign, tally, apply } = await tallied(100);
    await Promise.all(userIds(25).map((user) => apply.execute(campaign.id, user)));
    await apply.execute(randomCampaignId(), 'someone' as UserId);
    const failing = new TalliedApplyForCoupon(
      {
        execute: () => Promise.reject(new LedgerUnavailableError(new Error('ECONNREFUSED'))),
      },
      tally,
    );
    await expect(failing.execute(campaign.id, 'x' as UserId)).rejects.toThrow(
      LedgerUnavailableError,
    );

    const windows = tally.take();

    expect(windows).toHaveLength(1);
    expect(windows[0]!.answers).toEqual({ issued: 25, error: 1 });
    expect(windows[0]!.peakInFlight).toBe(25);
  });

  it('keeps at most MAX_CAMPAIGNS_PER_WINDOW campaigns and says how many answers it dropped', () => {
    const tally = new ReportTally(new ManualClock());
    for (let i = 0; i < MAX_CAMPAIGNS_PER_WINDOW + 5; i += 1) {
      tally.answered(`c-${i}` as CampaignId, 'error');
    }

    expect(tally.take()).toHaveLength(MAX_CAMPAIGNS_PER_WINDOW);
    expect(tally.takeDropped()).toBe(5);
    expect(tally.takeDropped()).toBe(0);
  });

  it('measures grant → row delays where the write returned', async () => {
    const clock = new ManualClock(new Date('2026-11-25T12:00:01.000Z'));
    const campaigns = new InMemoryCampaignRepository();
    const campaign = CampaignMother.open();
    await campaigns.create(campaign);
    const tally = new ReportTally(clock);
    const coupons = new TalliedCouponRepository(
      new InMemoryCouponRepository(campaigns),
      tally,
      clock,
    );
    // CouponMother issues at 12:00:00.000 + sequence ms: delays of 1000 - 3 and 1000 - 500 ms.
    await coupons.saveAll([CouponMother.of(campaign.id, 3), CouponMother.of(campaign.id, 500)]);

    const [window] = tally.take();

    expect(window!.delays).toEqual({ [delayBucket(997)]: 1, [delayBucket(500)]: 1 });
    expect(window!.delayMaxMs).toBe(997);
    expect(window!.answers).toEqual({});
  });
});

describe('delay buckets', () => {
  it('are exact to 10 ms, then about a quarter wider each, up to an hour', () => {
    expect(DELAY_BUCKETS_MS.slice(0, 8)).toEqual([1, 2, 3, 4, 5, 6, 8, 10]);
    expect(DELAY_BUCKETS_MS.at(-1)).toBeGreaterThanOrEqual(3_600_000);
    expect(delayBucket(0)).toBe(1);
    expect(delayBucket(7)).toBe(8);
    expect(delayBucket(8)).toBe(8);
    expect(delayBucket(11)).toBe(13);
    expect(delayBucket(10_000_000)).toBe(OVERFLOW_BUCKET_MS);
  });

  it('give percentiles as the upper bound of the nearest-rank bucket, capped by the maximum', () => {
    // 98 coupons within 3 ms, one at 40 ms, one at 1 s.
    const summary = summariseDelays({ 3: 98, 40: 1, 1000: 1 }, 987);

    expect(summary).toEqual({ samples: 100, p50Ms: 3, p99Ms: 40, maxMs: 987 });
    expect(summariseDelays({ 8: 1 }, 7)).toEqual({ samples: 1, p50Ms: 7, p99Ms: 7, maxMs: 7 });
    expect(summariseDelays({}, undefined)).toEqual({
      samples: 0,
      p50Ms: null,
      p99Ms: null,
      maxMs: null,
    });
  });
});

describe('FlushReportTally', () => {
  /** A store that fails while `down`, and remembers what it was given. */
  class FlakyStore implements CampaignReportStore {
    down = false;
    readonly inner = new InMemoryCampaignReportStore();
    readonly writes: CampaignTally[][] = [];
    async add(process: string, tallies: readonly CampaignTally[]) {
      if (this.down) throw new StoreUnavailableError(new Error('ECONNREFUSED'));
      this.writes.push([...tallies]);
      await this.inner.add(process, tallies);
    }
    read = (id: CampaignId) => this.inner.read(id);
    recent = (since: number) => this.inner.recent(since);
  }

  it('writes each window once, keeps it through an outage, and only for known campaigns', async () => {
    const { campaign, campaigns, tally, apply, clock } = await tallied(10);
    const store = new FlakyStore();
    const logger = new CapturingLogger();
    const flush = new FlushReportTally(tally, store, campaigns, 'host:42', logger);
    await apply.execute(campaign.id, 'a' as UserId);
    tally.answered(randomCampaignId(), 'error'); // made up by a caller during an outage
    store.down = true;

    clock.advance(1000);
    expect(await flush.tick()).toBe(0);
    clock.advance(1000);
    await apply.execute(campaign.id, 'b' as UserId);
    expect(await flush.tick()).toBe(0);
    store.down = false;
    clock.advance(1000);
    expect(await flush.tick()).toBe(2);
    expect(await flush.tick()).toBe(0);

    const record = await store.read(campaign.id);
    expect(record.seconds.map((s) => s.answers)).toEqual([{ issued: 1 }, { issued: 1 }]);
    expect(record.processes.map((p) => p.process)).toEqual(['host:42']);
    expect(store.writes).toHaveLength(1);
    expect(logger.at('warn').map((e) => e.message)).toEqual([
      'report: store write failed; kept for the next second',
    ]);
    expect(logger.at('info').map((e) => e.message)).toEqual(['report: store written again']);
  });

  it('flushes what it holds when stopped', async () => {
    const { campaign, campaigns, tally, apply } = await tallied(10);
    const store = new InMemoryCampaignReportStore();
    const flush = new FlushReportTally(tally, store, campaigns, 'host:1', new CapturingLogger());
    await apply.execute(campaign.id, 'last-one' as UserId);

    await flush.flushNow();

    expect((await store.read(campaign.id)).seconds[0]?.answers).toEqual({ issued: 1 });
  });
});

describe('GetCampaignReport', () => {
  it('sums the seconds, times the sell-out, and counts grants without a row', async () => {
    const clock = new ManualClock();
    const { campaign, campaigns, ledger, apply, tally } = await tallied(2);
    const store = new InMemoryCampaignReportStore();
    const coupons = new InMemoryCouponRepository(campaigns);
    for (const user of userIds(5)) await apply.execute(campaign.id, user);
    // The persistence audit re-emitted a grant whose row was lost (it counts in the same tally).
    tally.reemitted(campaign.id, 1);
    await store.add('api:1', tally.take());
    // One of the two grants has its row; the other is still on its way.
    await coupons.saveAll([CouponMother.of(campaign.id, 1)]);
    const report = new GetCampaignReport(campaigns, store, ledger, coupons, clock);

    const built = await report.execute(campaign.id);

    expect(built).toMatchObject({
      answers: { issued: 2, 'sold-out': 3 },
      applications: 5,
      peakInFlight: 1,
      processes: [{ process: 'api:1', answers: 5 }],
      sellOut: { soldOut: true },
      grants: { issued: 2, rows: 1, withoutRow: 1, auditReemitted: 1 },
      delays: { samples: 0, p50Ms: null, buckets: [] },
    });
    const { firstGrantAt, lastGrantAt } = built!.sellOut;
    expect(built!.sellOut.durationMs).toBe(lastGrantAt!.getTime() - firstGrantAt!.getTime());
    expect(await report.execute(randomCampaignId())).toBeUndefined();
  });

  it('still answers while the ledger cannot be asked, without the grants it would count', async () => {
    const { campaign, campaigns } = await tallied(2);
    const ledger = {
      tally: () => Promise.reject(new LedgerUnavailableError(new Error('down'))),
    };
    const report = new GetCampaignReport(
      campaigns,
      new InMemoryCampaignReportStore(),
      ledger,
      new InMemoryCouponRepository(campaigns),
      new ManualClock(),
    );

    const built = await report.execute(campaign.id);

    expect(built?.grants).toEqual({
      issued: null,
      rows: 0,
      withoutRow: null,
      auditReemitted: 0,
    });
    expect(built?.sellOut).toMatchObject({ soldOut: false, durationMs: null });
  });
});
