import { describe, expect, it } from 'vitest';
import { useE2eSystem } from '../support/e2e-harness.ts';
import { converge, expectBusinessAnswers, judge, report } from '../support/e2e-guarantees.ts';
import { fireSpread, ShardedProbes } from '../support/e2e-multi.ts';
import type { Probes } from '../support/e2e-probes.ts';

const APIS = 2;
const TOTAL = 50;
const APPLICANTS = 200;
/** Long enough that every application of the burst lands in the opening on a loaded machine. */
const OPENING_MS = 8000;

/**
 * Issue 27: a shuffled opening on the real processes. Two api processes take 200 applications in
 * the opening, in a known order (request i is sent i-th, half to each api), for 50 coupons. Once
 * the opening has passed, one draw decides them all, in a random order: the winners are not the
 * first 50 arrivals but come from the whole opening, the cap is exact, each applicant has one
 * answer (a user who applies twice: one 201 and one 409), and every 201 ends as a MySQL row.
 */
describe('e2e: a shuffled opening across 2 api processes', () => {
  const system = useE2eSystem();

  async function run(name: string, shards: number, probes: Probes) {
    const env = { LEDGER_SHARDS: String(shards) };
    const apis = await Promise.all(Array.from({ length: APIS }, () => system.startApi(env)));
    await system.startConsumer();
    const campaignId = await system.createCampaign(apis[0]!, TOTAL, undefined, {
      startsAt: new Date().toISOString(),
      openingShuffleMs: OPENING_MS,
    });
    const arrivals = Array.from({ length: APPLICANTS }, (_, i) => `${campaignId}-u${i}`);
    // The first ten apply twice (once more at the end of the burst).
    const users = [...arrivals, ...arrivals.slice(0, 10)];

    const { outcome } = await fireSpread({
      baseUrls: apis.map((api) => api.url),
      campaignId,
      users,
      concurrency: users.length,
    });
    expectBusinessAnswers(outcome);
    await converge(probes, campaignId);
    const verdict = await judge(probes, { id: campaignId, totalQuantity: TOTAL }, [outcome]);
    report(name, verdict, { answers: `"${outcome.summary()}"` });

    // The cap exact, one grant per user, every 201 a row (G1-G4).
    expect(outcome.count('ISSUED')).toBe(TOTAL);
    expect(outcome.count('SOLD_OUT') + outcome.count('ALREADY_ISSUED')).toBe(users.length - TOTAL);
    expect(verdict).toMatchObject({
      issued: TOTAL,
      rows: TOTAL,
      lost: 0,
      duplicated: 0,
      over: 0,
      ungranted: 0,
      unexplained: 0,
      outbox: 0,
    });
    // Each applicant one answer: a user who applied twice got the grant once and the coupon held
    // (409) the other time, or was refused both times.
    for (const userId of arrivals.slice(0, 10)) {
      const codes = outcome.answers.filter((a) => a.userId === userId).map((a) => a.code);
      expect([
        ['SOLD_OUT', 'SOLD_OUT'],
        ['ALREADY_ISSUED', 'ISSUED'],
      ]).toContainEqual(codes.sort());
    }
    // Arrival order would grant u0..u49. A uniform draw leaves all of the second half out with
    // probability C(100,50)/C(200,50) < 1e-15 (per sub-ledger, as small again).
    const winners = [...outcome.winners.keys()].map((userId) => arrivals.indexOf(userId));
    expect(winners.filter((i) => i >= APPLICANTS / 2).length).toBeGreaterThan(0);
    expect(winners.filter((i) => i >= TOTAL).length).toBeGreaterThan(0);

    // The opening's batch, as the api processes count it: each applicant once; and the batch as
    // the ledger counted it at the last collection (one sub-ledger's in sharded stock).
    const scraped = await Promise.all(
      apis.map(async (api) => await (await fetch(`${api.url}/metrics`)).text()),
    );
    const sample = (name: string) =>
      scraped.map((text) => Number(new RegExp(`^${name} (\\d+)$`, 'm').exec(text)?.[1] ?? NaN));
    expect(sample('coupon_opening_applicants_total').reduce((sum, n) => sum + n, 0)).toBe(
      APPLICANTS,
    );
    if (shards === 1) expect(Math.max(...sample('coupon_opening_batch_size'))).toBe(APPLICANTS);
    return campaignId;
  }

  it('draws the 50 winners from all 200 applications of the opening, the cap exact', async () => {
    await run('shuffled-opening', 1, system.probes);
  });

  it('sharded stock (LEDGER_SHARDS=4): each sub-ledger draws its own, the cap exact', async () => {
    const probes = new ShardedProbes();
    try {
      const campaignId = await run('shuffled-opening-sharded', 4, probes);
      expect(await probes.subLedgers(campaignId)).toHaveLength(4);
    } finally {
      await probes.close();
    }
  });
});
