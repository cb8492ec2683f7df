import { describe, expect, it } from 'vitest';
import { useE2eSystem } from '../support/e2e-harness.ts';
import {
  converge,
  expectBusinessAnswers,
  expectSound,
  judge,
  report,
} from '../support/e2e-guarantees.ts';
import { fire, usersWithRepeats } from '../support/e2e-stampede.ts';
import { waitFor } from '../support/e2e-wait.ts';

/**
 * Scenario 2: MariaDB is stopped while the consumer is writing a stampede's coupons. The consumer
 * sees StoreUnavailableError, keeps its batch (offsets not committed), backs off while
 * heartbeating, and writes it once MariaDB is back. An outage is not a poison record: nothing
 * may land in failed_issuance.
 */
describe('fault: MariaDB stopped while the consumer writes, restarted', () => {
  const system = useE2eSystem();

  it('retries the batch until MariaDB is back, nothing parked as failed', async () => {
    const api = await system.startApi();
    const consumer = await system.startConsumer();
    const total = 1000;
    const campaignId = await system.createCampaign(api, total);

    // First wave: MariaDB is stopped as soon as the consumer has written some of it.
    let outage: Promise<void> | undefined;
    let rowsAtStop = 0;
    let grantedAtStop = 0;
    const stopWhenWriting = async () => {
      rowsAtStop = await waitFor(
        'the first rows',
        async () => {
          const { rows } = await system.probes.rowCounts(campaignId);
          return rows > 0 ? rows : undefined;
        },
        { intervalMs: 10, timeoutMs: 30_000 },
      );
      await system.faults.stop('mariadb');
      grantedAtStop = (await system.probes.ledger(campaignId)).count ?? 0;
    };
    const first = await fire({
      baseUrl: api.url,
      campaignId,
      users: usersWithRepeats(1000, 500, `${campaignId}-a`),
      concurrency: 100,
      onAnswer: (answered) => {
        if (answered === 1) outage = stopWhenWriting();
      },
    });
    await outage;
    // Second wave with MariaDB down: the rest of the stock, which the consumer cannot write yet.
    const second = await fire({
      baseUrl: api.url,
      campaignId,
      users: usersWithRepeats(3000, 1500, `${campaignId}-b`),
      concurrency: 100,
    });
    // The apply path never reads MySQL for a known campaign: neither wave noticed.
    expectBusinessAnswers(first);
    expectBusinessAnswers(second);
    // Granted, relayed and consumed while MariaDB was down: the consumer had to hold them.
    const grantedWhileDown = ((await system.probes.ledger(campaignId)).count ?? 0) - grantedAtStop;
    expect(grantedWhileDown).toBeGreaterThan(0);

    await system.faults.start('mariadb');
    const back = Date.now();
    await converge(system.probes, campaignId);
    const caughtUpMs = Date.now() - back;

    const verdict = await judge(system.probes, { id: campaignId, totalQuantity: total }, [
      first,
      second,
    ]);
    const failed = await system.probes.failures(campaignId);
    report('mariadb-stop', verdict, {
      rowsAtStop,
      grantedWhileDown,
      failedIssuance: failed.length,
      caughtUpMs,
    });
    expectSound(verdict);
    expect(verdict.rows).toBe(total);
    expect(failed).toEqual([]);
    expect(consumer.alive).toBe(true);
  });
});
