import { describe, expect, it } from 'vitest';
import { useE2eSystem } from '../support/e2e-harness.ts';
import { expectBusinessAnswers } from '../support/e2e-guarantees.ts';
import { merged, StampedeOutcome } from '../support/e2e-stampede.ts';
import { expectAnsweredAmong, faultScenario } from '../support/fault-scenario.ts';

/**
 * Scenario 5: Redis (the ledger and the outbox) is stopped mid-stampede. The API fails closed:
 * 503 LEDGER_UNAVAILABLE at once, never a guess, never a 201 that is not in the ledger. Redis
 * shuts down cleanly (AOF flushed), so on restart every grant and every unpublished outbox entry
 * is back; the API's client reconnects by itself and the relay resumes.
 */
describe('fault: Redis stopped mid-stampede, restarted', () => {
  const system = useE2eSystem();

  it('answers 503 while Redis is down, loses no grant and invents none', async () => {
    const scenario = await faultScenario(system);

    const duringOutage = await scenario.fire(scenario.users('u', 4000), {
      strike: { after: 300, run: () => system.faults.stop('redis') },
    });
    const unavailable = duringOutage.count('LEDGER_UNAVAILABLE');
    expect(unavailable).toBeGreaterThan(0);
    // The API itself stayed up and answered everything: only business answers or the 503.
    expectAnsweredAmong(duringOutage, ['LEDGER_UNAVAILABLE']);

    await system.faults.start('redis');
    const back = Date.now();
    // No restart of the API: its Redis client reconnects in the background.
    await scenario.ready();
    const recoveredMs = Date.now() - back;
    // A restarted Redis is a new server process: the campaign is fenced until the API has
    // reconciled it with MySQL (by itself), so the first answers are 503 LEDGER_NOT_READY.
    const answeredAfter = merged(await scenario.fireUntilReady(scenario.users('u', 4000)));
    const afterRestart = new StampedeOutcome(
      answeredAfter.answers.filter((a) => a.code !== 'LEDGER_NOT_READY'),
    );
    expectBusinessAnswers(afterRestart);

    // A 503 is not a grant. The one way a 503'd user can hold a coupon is a reserve Redis ran
    // whose reply the shutdown cut off (redis-client.ts accepts it): counted as grantedAfter503
    // by the verdict, never hidden, and that user is told ALREADY_ISSUED on retry.
    await scenario.conclude('redis-stop', {
      unavailable503: unavailable,
      recoveredMs,
      notReadyAfterRestart: answeredAfter.count('LEDGER_NOT_READY'),
      answersDuring: `"${duringOutage.summary()}"`,
      answersAfter: `"${afterRestart.summary()}"`,
    });
  });
});
