import { describe, expect, it } from 'vitest';
import { useE2eSystem } from '../support/e2e-harness.ts';
import { expectBusinessAnswers } from '../support/e2e-guarantees.ts';
import { waitFor } from '../support/e2e-wait.ts';
import { faultScenario } from '../support/fault-scenario.ts';

/**
 * Issue 22, scenario 1: MySQL loses what it acknowledged. After the campaign's first 700 coupons
 * are persisted, the rows of the last 300 grants vanish (a failover to a replica that lacked the
 * last commits, or a point-in-time restore), then more users apply until it sells out. The
 * ledger goes on from 700, as it must; the persistence audit finds the 300 grants without a row
 * and re-emits them (outbox, relay, Kafka, the consumer's idempotent insert), with the default
 * settings: the line reports how long after the loss the last row was back (the bound: < 60 s).
 */
describe('fault: MySQL loses the rows of the last grants, then more users apply', () => {
  const system = useE2eSystem();

  it('re-emits every grant without a row: every 201 ends as a row, exactly the cap', async () => {
    const scenario = await faultScenario(system);

    const before = await scenario.fire(scenario.crowd('a', 700));
    expectBusinessAnswers(before);
    await scenario.converge();
    const lostRows = await system.probes.loseRowsAfter(scenario.campaignId, 400);
    expect(lostRows).toBe(300);
    const lostAt = Date.now();

    const after = await scenario.fire(scenario.users('b', 1600));
    expectBusinessAnswers(after);
    await scenario.converge();
    const repairedMs = Date.now() - lostAt;

    // The campaign's report counts the repair: at least the lost rows (a grant is re-emitted
    // twice only if its first copy was still between the relay and Kafka), once the API's
    // report flush (once a second) has run.
    let seen = 0;
    const reemitted = await waitFor(
      "the report's audit figure",
      async () => {
        const response = await fetch(
          `${scenario.api.url}/campaigns/${scenario.campaignId}/report`,
          {
            headers: { authorization: `Bearer ${system.adminToken}`, accept: 'application/json' },
          },
        );
        const body = (await response.json()) as { grants: { auditReemitted: number } };
        seen = body.grants.auditReemitted;
        return seen >= lostRows ? seen : undefined;
      },
      { timeoutMs: 10_000, state: () => `auditReemitted ${seen}` },
    );
    expect(reemitted).toBeLessThan(lostRows * 2);
    await scenario.conclude('mysql-loss', {
      lostRows,
      repairedMs,
      reportedReemitted: reemitted,
      answersBefore: `"${before.summary()}"`,
      answersAfter: `"${after.summary()}"`,
    });
    // The operator's view agrees: nothing left to repair.
    const audit = await system.runCli('audit', [scenario.campaignId]);
    expect(audit.output).toContain('both sides agree');
    expect(audit.code).toBe(0);
  });
});
