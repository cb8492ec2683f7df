import { describe, expect, it } from 'vitest';
import type { CampaignRepository } from '../../src/application/ports/campaign-repository.port.ts';
import type {
  CampaignReportStore,
  CampaignTally,
} from '../../src/application/ports/campaign-report-store.port.ts';
import type { CampaignId } from '../../src/domain/ids.ts';
import { useFixture } from '../support/contract-fixture.ts';
import { CampaignMother } from '../support/mothers.ts';

export interface CampaignReportStoreFixture {
  readonly reports: CampaignReportStore;
  /** Reports belong to a campaign that must exist (the real tables have a foreign key). */
  readonly campaigns: CampaignRepository;
  close(): Promise<void>;
}

/** A second of its own per test: far from now, so `recent` in a shared database stays readable. */
const someSecond = () => 4_000_000_000 + Math.floor(Math.random() * 1_000_000_000);

const tally = (
  campaignId: CampaignId,
  second: number,
  overrides: Partial<CampaignTally> = {},
): CampaignTally => ({
  campaignId,
  second,
  answers: {},
  peakInFlight: 0,
  delays: {},
  ...overrides,
});

/**
 * What FlushReportTally and GetCampaignReport may assume of any CampaignReportStore: counts from
 * any number of processes and flushes ADD up, instants keep the earliest / latest, peaks and
 * maxima the largest, and concurrent flushes of the same rows lose nothing.
 */
export function describeCampaignReportStoreContract(
  name: string,
  makeFixture: () => Promise<CampaignReportStoreFixture>,
): void {
  describe(`CampaignReportStore contract: ${name}`, () => {
    const fixture = useFixture(makeFixture, 'suite');

    const givenCampaign = async (): Promise<CampaignId> => {
      const campaign = CampaignMother.open();
      expect(await fixture().campaigns.create(campaign)).toBe(true);
      return campaign.id;
    };

    it('keeps nothing for a campaign nobody reported on', async () => {
      const record = await fixture().reports.read(await givenCampaign());

      expect(record).toEqual({
        seconds: [],
        processes: [],
        delays: {},
        delayMaxMs: undefined,
        firstGrantAt: undefined,
        lastGrantAt: undefined,
        firstSoldOutAt: undefined,
        auditReemitted: 0,
      });
    });

    it('adds the answers of several processes and windows of the same second', async () => {
      const id = await givenCampaign();
      const s = someSecond();
      const { reports } = fixture();

      await reports.add('api-a:1', [
        tally(id, s, { answers: { issued: 3, 'already-issued': 1 }, peakInFlight: 7 }),
      ]);
      await reports.add('api-b:2', [tally(id, s, { answers: { issued: 2 }, peakInFlight: 5 })]);
      // A second window of process a labelled with the same second (a late timer).
      await reports.add('api-a:1', [
        tally(id, s, { answers: { 'sold-out': 4 }, peakInFlight: 9 }),
        tally(id, s + 2, { answers: { 'sold-out': 10 }, peakInFlight: 2 }),
      ]);

      const record = await reports.read(id);
      expect(record.seconds).toEqual([
        // Peaks: the max per process (9 for a, 5 for b), summed over processes.
        { second: s, answers: { issued: 5, 'already-issued': 1, 'sold-out': 4 }, peakInFlight: 14 },
        { second: s + 2, answers: { 'sold-out': 10 }, peakInFlight: 2 },
      ]);
      expect(record.processes).toEqual([
        { process: 'api-a:1', answers: 18, firstSecond: s, lastSecond: s + 2, peakInFlight: 9 },
        { process: 'api-b:2', answers: 2, firstSecond: s, lastSecond: s, peakInFlight: 5 },
      ]);
    });

    it('keeps the earliest first grant and sold-out answer, the latest last grant', async () => {
      const id = await givenCampaign();
      const s = someSecond();
      const at = (ms: number) => new Date(s * 1000 + ms);
      const { reports } = fixture();

      await reports.add('api:1', [
        tally(id, s, { firstGrantAt: at(120), lastGrantAt: at(480), firstSoldOutAt: at(900) }),
      ]);
      await reports.add('api:2', [
        tally(id, s, { firstGrantAt: at(35), lastGrantAt: at(470), firstSoldOutAt: at(901) }),
      ]);
      // A tally without instants never wipes the ones kept.
      await reports.add('api:3', [tally(id, s + 1, { answers: { 'sold-out': 1 } })]);

      const record = await reports.read(id);
      expect(record.firstGrantAt).toEqual(at(35));
      expect(record.lastGrantAt).toEqual(at(480));
      expect(record.firstSoldOutAt).toEqual(at(900));
    });

    it('adds the delay buckets and keeps the largest delay', async () => {
      const id = await givenCampaign();
      const s = someSecond();
      const { reports } = fixture();

      await reports.add('consumer:1', [tally(id, s, { delays: { 8: 3, 13: 1 }, delayMaxMs: 12 })]);
      await reports.add('consumer:2', [
        tally(id, s, { delays: { 13: 2, 100: 1 }, delayMaxMs: 97 }),
      ]);
      await reports.add('consumer:1', [tally(id, s + 1, { delays: { 8: 1 }, delayMaxMs: 7 })]);

      const record = await reports.read(id);
      expect(record.delays).toEqual({ 8: 4, 13: 3, 100: 1 });
      expect(record.delayMaxMs).toBe(97);
      // Delays alone are no answers: no second, no process.
      expect(record.seconds).toEqual([]);
      expect(record.processes).toEqual([]);
    });

    it("adds the audit's re-emitted grants of every process, alone or with other counts", async () => {
      const id = await givenCampaign();
      const s = someSecond();
      const at = (ms: number) => new Date(s * 1000 + ms);
      const { reports } = fixture();

      // Alone: an API process whose audit re-emitted, with no answer that second.
      await reports.add('api-a:1', [tally(id, s, { reemitted: 3 })]);
      // Next to instants and delays, and from another process.
      await reports.add('api-b:2', [
        tally(id, s, { reemitted: 2, firstGrantAt: at(10), delays: { 8: 1 }, delayMaxMs: 5 }),
      ]);
      await reports.add('api-a:1', [tally(id, s + 1, { reemitted: 1 })]);
      // A tally without the figure never lowers it.
      await reports.add('api-a:1', [tally(id, s + 2, { lastGrantAt: at(2_500) })]);

      const record = await reports.read(id);
      expect(record.auditReemitted).toBe(6);
      expect(record.firstGrantAt).toEqual(at(10));
      expect(record.lastGrantAt).toEqual(at(2_500));
      // Re-emissions are no answers: no second, no process.
      expect(record.seconds).toEqual([]);
      expect(record.processes).toEqual([]);
    });

    it('lists the recent answers of every campaign from a second on, in order', async () => {
      const [a, b] = [await givenCampaign(), await givenCampaign()];
      const s = someSecond();
      const { reports } = fixture();

      await reports.add('api:1', [
        tally(a, s - 1, { answers: { issued: 1 } }),
        tally(a, s, { answers: { issued: 2 } }),
        tally(b, s, { answers: { closed: 3 } }),
        tally(b, s + 1, { answers: { closed: 1, 'not-open': 2 } }),
      ]);

      const recent = (await reports.recent(s)).filter((r) => [a, b].includes(r.campaignId));
      const [first, second] = [a, b].sort();
      expect(recent).toEqual([
        {
          campaignId: first,
          second: s,
          answers: first === a ? { issued: 2 } : { closed: 3 },
        },
        {
          campaignId: second,
          second: s,
          answers: second === a ? { issued: 2 } : { closed: 3 },
        },
        { campaignId: b, second: s + 1, answers: { closed: 1, 'not-open': 2 } },
      ]);
    });

    it('loses nothing when 20 processes flush the same rows at once', async () => {
      const id = await givenCampaign();
      const s = someSecond();
      const { reports } = fixture();

      await Promise.all(
        Array.from({ length: 20 }, (_, i) =>
          reports.add(`api:${i % 4}`, [
            tally(id, s, {
              answers: { issued: 1, 'sold-out': i },
              peakInFlight: i,
              delays: { 5: 1 },
              delayMaxMs: i,
              lastGrantAt: new Date(s * 1000 + i),
            }),
          ]),
        ),
      );

      const record = await reports.read(id);
      expect(record.seconds).toEqual([
        // 0+1+…+19 = 190 sold-out; each of the 4 processes peaked at its largest i (16..19).
        { second: s, answers: { issued: 20, 'sold-out': 190 }, peakInFlight: 16 + 17 + 18 + 19 },
      ]);
      // Process p answered 1 + i for each of its five i (p, p+4, …, p+16): 45 + 5p.
      expect(record.processes.map((p) => p.answers)).toEqual([45, 50, 55, 60]);
      expect(record.delays).toEqual({ 5: 20 });
      expect(record.delayMaxMs).toBe(19);
      expect(record.lastGrantAt).toEqual(new Date(s * 1000 + 19));
    });
  });
}
