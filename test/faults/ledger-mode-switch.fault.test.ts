import { describe, expect, it } from 'vitest';
import { useE2eSystem } from '../support/e2e-harness.ts';
import { ShardedProbes } from '../support/e2e-multi.ts';
import { merged } from '../support/e2e-stampede.ts';
import { faultScenario } from '../support/fault-scenario.ts';

/**
 * LEDGER_SHARDS changes on a live campaign while a process in the old mode keeps serving. The
 * switch is `rebuild-ledger` run with the new mode: it fences both layouts, merges their winners
 * with the durable record, lays the campaign out as N sub-ledgers and removes the plain ledger's
 * keys in the same step as it marks the sharded layout. Every process serves a campaign where it
 * is held, whatever its own LEDGER_SHARDS: the old-mode API's plain script finds the marker and
 * asks the sub-ledgers, so both APIs issue the rest from ONE live ledger, exactly.
 */
describe('fault: LEDGER_SHARDS switched on a live campaign', () => {
  const system = useE2eSystem();

  it('both modes then serve the campaign from its sub-ledgers: exactly the rest is issued', async () => {
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

    // The plain-mode process now grants from the sub-ledgers (at least 100 coupons are left).
    const oldMode = await scenario.fire(scenario.crowd('c', 100), { concurrency: 20 });
    expect(oldMode.count('ISSUED')).toBe(100);

    // Earlier winners and a new crowd at the sharded-mode process.
    const earlier = [
      ...before.winners.keys(),
      ...duringOutcome.winners.keys(),
      ...oldMode.winners.keys(),
    ];
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
          oldModeIssued: oldMode.count('ISSUED'),
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
