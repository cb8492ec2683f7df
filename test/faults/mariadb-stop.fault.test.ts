import { describe, expect, it } from 'vitest';
import { useE2eSystem } from '../support/e2e-harness.ts';
import { expectBusinessAnswers } from '../support/e2e-guarantees.ts';
import { faultScenario } from '../support/fault-scenario.ts';

/**
 * Scenario 2: MariaDB is stopped while the consumer is writing a stampede's coupons. The consumer
 * sees StoreUnavailableError, keeps its batch (offsets not committed), backs off while
 * heartbeating, and writes it once MariaDB is back. An outage is not a poison record: nothing
 * may land in failed_issuance.
 */
describe('fault: MariaDB stopped while the consumer writes, restarted', () => {
  const system = useE2eSystem();

  it('retries the batch until MariaDB is back, nothing parked as failed', async () => {
    const scenario = await faultScenario(system);
    const granted = async () => (await system.probes.ledger(scenario.campaignId)).count ?? 0;

    // First wave: MariaDB is stopped as soon as the consumer has written some of it.
    let grantedAtStop = 0;
    const stop = scenario.whileWriting(1, async () => {
      await system.faults.stop('mariadb');
      grantedAtStop = await granted();
    });
    const first = await scenario.fire(scenario.users('a', 1000), { strike: stop });
    // Second wave with MariaDB down: the rest of the stock, which the consumer cannot write yet.
    const second = await scenario.fire(scenario.users('b', 3000));
    // The apply path never reads MySQL for a known campaign: neither wave noticed.
    expectBusinessAnswers(first);
    expectBusinessAnswers(second);
    // Granted, relayed and consumed while MariaDB was down: the consumer had to hold them.
    const grantedWhileDown = (await granted()) - grantedAtStop;
    expect(grantedWhileDown).toBeGreaterThan(0);

    await system.faults.start('mariadb');
    const back = Date.now();
    await scenario.converge();
    const caughtUpMs = Date.now() - back;

    const failed = await system.probes.failures(scenario.campaignId);
    await scenario.conclude('mariadb-stop', {
      rowsAtStop: stop.rowsAtStrike,
      grantedWhileDown,
      failedIssuance: failed.length,
      caughtUpMs,
    });
    expect(failed).toEqual([]);
    expect(scenario.consumer.alive).toBe(true);
  });
});
