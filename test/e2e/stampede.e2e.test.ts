import { describe, expect, it } from 'vitest';
import { useE2eSystem } from '../support/e2e-harness.ts';
import { expectBusinessAnswers } from '../support/e2e-guarantees.ts';
import { faultScenario } from '../support/fault-scenario.ts';

/**
 * The production path end to end: the real api and consumer entrypoints as child processes on the
 * real Redis, Kafka and MariaDB, a concurrent stampede over real HTTP, and then the verdict read
 * from MySQL and Redis themselves (never from the service's own answers).
 */
describe('e2e: stampede on the real api + consumer processes', () => {
  const system = useE2eSystem();

  it('issues exactly totalQuantity to distinct users, every 201 persisted with its sequence', async () => {
    const scenario = await faultScenario(system);
    const { campaignId, total } = scenario;

    // 6000 requests from 3000 users: every user clicks twice, in random order.
    const outcome = await scenario.fire(scenario.users('u', 6000));

    expectBusinessAnswers(outcome);

    const verdict = await scenario.conclude('none', { answers: `"${outcome.summary()}"` });
    // Exactly the cap went out (3000 users for 1000 coupons), and every row is a 201 (or, rarely,
    // a reserve Redis applied after its command timed out and the API had answered 503).
    expect(verdict.rows).toBe(verdict.issued + verdict.grantedAfter503);
    expect(await system.probes.rowCounts(campaignId)).toEqual({
      rows: total,
      distinctUsers: total,
    });
  });

  it('SIGTERM: the api answers what it accepted, flushes the relay and exits 0; the consumer commits and exits 0', async () => {
    // A short shutdown budget: a shutdown that waits for keep-alive clients to go away would
    // hit it (and exit 1) while the stampede goes on.
    const scenario = await faultScenario(system, {
      total: 1500,
      apiEnv: { SHUTDOWN_TIMEOUT_MS: '4000' },
    });
    const { api, consumer, campaignId } = scenario;

    // Early, on purpose: within a second of the campaign's creation, which is when a relay
    // could still hold a registry without it (and once drained nothing at shutdown).
    const answeredAtSigterm = 150;
    let apiExit: number | null | undefined;
    let servedAfterSigterm = 0;
    const outcome = await scenario.fire(scenario.users('u', 8000, 3000), {
      strike: {
        after: answeredAtSigterm,
        run: async () => {
          apiExit = await api.stop('SIGTERM');
        },
      },
      onAnswer: (answered, answer) => {
        if (answered > answeredAtSigterm && answer.status !== 0) servedAfterSigterm += 1;
      },
    });
    expect(apiExit).toBe(0);

    // Stop accepting means stop: the requests already in flight are answered, each connection
    // is closed after the request it carries, and everything later is refused (or, racing the
    // close of an idle keep-alive connection, reset before the server read it). A few per
    // connection (plus what arrived before the signal was handled), never the rest of the
    // stampede, which is what keep-alive clients got before http-server.ts said `close`.
    expect(servedAfterSigterm).toBeLessThan(1000);
    const transport = new Set(outcome.answers.filter((a) => a.status === 0).map((a) => a.code));
    expect(
      [...transport].filter((c) => !['ECONNREFUSED', 'ECONNRESET', 'UND_ERR_SOCKET'].includes(c)),
    ).toEqual([]);
    // The relay flushed before the exit: nothing granted is left in the outbox.
    expect((await system.probes.ledger(campaignId)).outbox).toBe(0);

    await scenario.converge();
    expect(await consumer.stop('SIGTERM')).toBe(0);
    // Committed up to the end of the topic: a restart would redeliver nothing.
    const offsets = await system.offsets();
    expect(offsets.committed).toBe(offsets.end);

    // Not sold out: the api stopped mid-stampede.
    const verdict = await scenario.conclude(
      'api-sigterm',
      { servedAfterSigterm, answers: `"${outcome.summary()}"` },
      { soldOut: false },
    );
    // No accepted request was cut: every grant went back to its user (a reset request never
    // reached the ledger).
    expect(verdict.grantedNoAnswer).toBe(0);
  });

  it('a second signal during shutdown exits at once with 1', async () => {
    const api = await system.startApi();
    // Two different signals, sent together: both are handled before the first stop can finish.
    api.signal('SIGTERM');
    api.signal('SIGINT');
    expect(await api.exited(5_000)).toBe(1);
  });
});
