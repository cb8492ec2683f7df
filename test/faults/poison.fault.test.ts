import { describe, expect, it } from 'vitest';
import { useE2eSystem } from '../support/e2e-harness.ts';
import { expectBusinessAnswers, report } from '../support/e2e-guarantees.ts';
import { waitFor } from '../support/e2e-wait.ts';
import { faultScenario } from '../support/fault-scenario.ts';
import { randomCampaignId } from '../support/mothers.ts';

/**
 * Poison records: messages that can never be written as they are. They go to failed_issuance
 * (with the payload and the error) and the batch moves on, so a stampede flowing through the
 * same partitions is persisted untouched. `retry-failed` replays open failures idempotently:
 * still-broken ones stay open with one more attempt, fixable ones are resolved.
 */
describe('fault: poison records in the topic during a stampede', () => {
  const system = useE2eSystem();

  it('parks them in failed_issuance without blocking the batch; retry-failed resolves what became fixable', async () => {
    const scenario = await faultScenario(system, { total: 500 });
    const { api, campaignId } = scenario;
    // Events for a campaign MySQL does not know yet: the foreign key refuses them.
    const laterCampaign = randomCampaignId('e2e');
    try {
      const garbage = JSON.stringify({ campaignId, userId: 'poison-1', note: 'no schema version' });
      const early = JSON.stringify({
        v: 1,
        campaignId: laterCampaign,
        userId: 'early-bird',
        sequence: 1,
        issuedAt: new Date().toISOString(),
      });
      const outcome = await scenario.fire(scenario.users('u', 2000), {
        strike: { after: 200, run: () => system.produce([garbage, early]) },
      });
      expectBusinessAnswers(outcome);

      // The stampede's coupons flowed past the poison records.
      const verdict = await scenario.settle();

      const parked = await waitFor('both poison records in failed_issuance', async () => {
        const [bad, fk] = await Promise.all([
          system.probes.failures(campaignId),
          system.probes.failures(laterCampaign),
        ]);
        return bad.length > 0 && fk.length > 0 ? { bad, fk } : undefined;
      });
      expect(parked.bad).toMatchObject([{ userId: 'poison-1', attempts: 1, resolved: false }]);
      expect(parked.fk).toMatchObject([{ userId: 'early-bird', attempts: 1, resolved: false }]);

      // Nothing fixable yet: both stay open, one attempt more each.
      const firstRetry = await system.runCli('retry-failed');
      expect(firstRetry.code, firstRetry.output).toBe(1);
      expect(await system.probes.failures(laterCampaign)).toMatchObject([
        { attempts: 2, resolved: false },
      ]);

      // The campaign now exists: the same replay resolves its event and writes the row.
      await system.createCampaign(api, 10, laterCampaign);
      const secondRetry = await system.runCli('retry-failed');
      expect(await system.probes.failures(laterCampaign)).toMatchObject([
        { attempts: 2, resolved: true },
      ]);
      expect(await system.probes.coupons(laterCampaign)).toEqual(new Map([['early-bird', 1]]));
      // The undecodable one can never be fixed by a replay: still open, attempts counted.
      expect(await system.probes.failures(campaignId)).toMatchObject([
        { attempts: 3, resolved: false },
      ]);

      report('poison', verdict, {
        failedIssuance: parked.bad.length + parked.fk.length,
        retryExit: `${firstRetry.code},${secondRetry.code}`,
        resolvedAfterFix: 1,
      });
    } finally {
      // Synthetic poison rows would keep every later `retry-failed` run failing.
      await system.probes.deleteFailures([campaignId, laterCampaign]);
    }
  });
});
