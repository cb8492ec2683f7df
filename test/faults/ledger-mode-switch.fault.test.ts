import { describe, expect, it } from 'vitest';
import { useE2eSystem } from '../support/e2e-harness.ts';
import { ShardedProbes } from '../support/e2e-multi.ts';
import { merged } from '../support/e2e-stampede.ts';
import { faultScenario } from '../support/fault-scenario.ts';

/**
 * LEDGER_SHARDS changes on a live campaign while a process in the old mode keeps serving. The
 * switch is `rebuild-ledger` run with the new mode: it fences both layouts, merges their winners
 * with the durable record, lays the campaign out as N sub-ledgers and removes the plain ledger's
 * keys in the same step as it marks the sharded layout. The old-mode API then finds no ledger it
 * can use and answers 503 LEDGER_NOT_READY (it never switches the campaign back by itself), while
 * the new-mode API issues the rest. One live ledger per campaign, at every moment.
 */
describe('fault: LEDGER_SHARDS switched on a live campaign', () => {
  const system = useE2eSystem();

  it('the old-mode process stops granting, the new mode issues exactly the rest', async () => {
    const scenario = await faultScenario(system, { total: 600, apiEnv: { LEDGER_SHARDS: '1' } });
    const { campaignId } = scenario;

    const before = await scenario.fire(scenario.crowd('a', 200), { concurrency: 50 });
    await scenario.converge();
    const sharded = await system.startApi({ LEDGER_SHARDS: '4' });

    // The old-mode API keeps serving a crowd while the operator switches the campaign.
    const during = scenario.fire(scenario.crowd('b', 300), { concurrency: 10 });
    const rebuild = await system.runCli('rebuild-ledger', [campaignId, '--force'], {
      LEDGER_SHARDS: '4',
    });
    expect(rebuild.code, rebuild.output).toBe(0);
    const duringOutcome = await during;

    // From now on the plain-mode process grants nothing: its ledger is gone, and it never
    // reconciles a campaign held in the other layout.
    const stale = await scenario.fire(scenario.crowd('c', 100), { concurrency: 20 });
    expect(stale.count('ISSUED')).toBe(0);
    expect(stale.count('LEDGER_NOT_READY')).toBe(100);

    // Earlier winners and a new crowd at the sharded-mode process.
    const earlier = [...before.winners.keys(), ...duringOutcome.winners.keys()];
    const answers = merged(
      await scenario.fireUntilReady([...earlier, ...scenario.crowd('d', 600)], {
        via: sharded,
        concurrency: 50,
      }),
    );

    const probes = new ShardedProbes();
    try {
      // Sharded from the switch on: unique sequences, not gap-free.
      await scenario.conclude(
        'ledger-mode-switch',
        {
          beforeSwitch: before.winners.size,
          grantedDuringSwitch: duringOutcome.winners.size,
          oldMode503: stale.count('LEDGER_NOT_READY'),
          again409: answers.count('ALREADY_ISSUED'),
          answers: `"${answers.summary()}"`,
        },
        { probes, gapFree: false },
      );
      expect(answers.count('ALREADY_ISSUED')).toBe(earlier.length);
    } finally {
      await probes.close();
    }
  });
});
