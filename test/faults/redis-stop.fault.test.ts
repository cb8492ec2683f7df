import { describe, expect, it } from 'vitest';
import { useE2eSystem } from '../support/e2e-harness.ts';
import {
  BUSINESS_ANSWERS,
  converge,
  expectBusinessAnswers,
  expectSound,
  judge,
  report,
} from '../support/e2e-guarantees.ts';
import {
  fire,
  fireUntilReady,
  merged,
  StampedeOutcome,
  usersWithRepeats,
} from '../support/e2e-stampede.ts';
import { waitFor } from '../support/e2e-wait.ts';

/**
 * Scenario 5: Redis (the ledger and the outbox) is stopped mid-stampede. The API fails closed:
 * 503 LEDGER_UNAVAILABLE at once, never a guess, never a 201 that is not in the ledger. Redis
 * shuts down cleanly (AOF flushed), so on restart every grant and every unpublished outbox entry
 * is back; the API's client reconnects by itself and the relay resumes.
 */
describe('fault: Redis stopped mid-stampede, restarted', () => {
  const system = useE2eSystem();

  it('answers 503 while Redis is down, loses no grant and invents none', async () => {
    const api = await system.startApi();
    await system.startConsumer();
    const total = 1000;
    const campaignId = await system.createCampaign(api, total);
    const users = (n: number) => usersWithRepeats(n, 2000, `${campaignId}-u`);

    let outage: Promise<void> | undefined;
    const duringOutage = await fire({
      baseUrl: api.url,
      campaignId,
      users: users(4000),
      concurrency: 100,
      onAnswer: (answered) => {
        if (answered === 300) outage = system.faults.stop('redis');
      },
    });
    await outage;
    const unavailable = duringOutage.count('LEDGER_UNAVAILABLE');
    expect(unavailable).toBeGreaterThan(0);
    // The API itself stayed up and answered everything: only business answers or the 503.
    expect(duringOutage.unanswered).toBe(0);
    const expected = [...BUSINESS_ANSWERS, 'LEDGER_UNAVAILABLE'];
    expect(duringOutage.answers.filter((a) => !expected.includes(a.code))).toEqual([]);

    await system.faults.start('redis');
    const back = Date.now();
    // No restart of the API: its Redis client reconnects in the background.
    await waitFor('the api to be ready again', async () =>
      (await fetch(`${api.url}/health/ready`)).ok ? true : undefined,
    );
    const recoveredMs = Date.now() - back;
    // A restarted Redis is a new server process: the campaign is fenced until the API has
    // reconciled it with MySQL (by itself), so the first answers are 503 LEDGER_NOT_READY.
    const rounds = await fireUntilReady({
      baseUrl: api.url,
      campaignId,
      users: users(4000),
      concurrency: 100,
    });
    const answeredAfter = merged(rounds);
    const afterRestart = new StampedeOutcome(
      answeredAfter.answers.filter((a) => a.code !== 'LEDGER_NOT_READY'),
    );
    expectBusinessAnswers(afterRestart);
    await converge(system.probes, campaignId);

    const verdict = await judge(system.probes, { id: campaignId, totalQuantity: total }, [
      duringOutage,
      ...rounds,
    ]);
    // A 503 is not a grant. The one way a 503'd user can hold a coupon is a reserve Redis ran
    // whose reply the shutdown cut off (redis-client.ts accepts it): counted as grantedAfter503
    // by the verdict, never hidden, and that user is told ALREADY_ISSUED on retry.
    report('redis-stop', verdict, {
      unavailable503: unavailable,
      recoveredMs,
      notReadyAfterRestart: answeredAfter.count('LEDGER_NOT_READY'),
      answersDuring: `"${duringOutage.summary()}"`,
      answersAfter: `"${afterRestart.summary()}"`,
    });
    expectSound(verdict);
    expect(verdict.rows).toBe(total);
  });
});
