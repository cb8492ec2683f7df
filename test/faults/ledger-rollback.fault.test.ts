import { describe, expect, it } from 'vitest';
import { useE2eSystem } from '../support/e2e-harness.ts';
import { waitFor } from '../support/e2e-wait.ts';
import { expectBusinessAnswers } from '../support/e2e-guarantees.ts';
import { merged } from '../support/e2e-stampede.ts';
import { faultScenario } from '../support/fault-scenario.ts';

/**
 * The ledger goes back in time (G1, G2, G5). Redis is the authority on grants, and Redis can come
 * back OLDER than what it acknowledged: a restored backup, a failover to a replica that missed the
 * last writes, a crash under `appendfsync everysec`. Each is a new Redis server process, so the
 * ledger's fence (ledger-run.lua) refuses every campaign it holds until the API has reconciled it
 * with the durable record, by itself: 503 LEDGER_NOT_READY meanwhile, never a grant from the
 * older state. Judged from MySQL and Redis directly.
 */
describe('fault: the ledger comes back older than it was', () => {
  const system = useE2eSystem();
  /** 600 coupons; the fence is under test, not the periodic check: keep it from reconciling behind our probes. */
  const rollbackScenario = () =>
    faultScenario(system, { total: 600, apiEnv: { LEDGER_CHECK_INTERVAL_MS: '3600000' } });

  it('Redis restarted from a copy taken N grants earlier: nobody is granted twice, the cap holds', async () => {
    const scenario = await rollbackScenario();

    const early = await scenario.fire(scenario.crowd('a', 300), { concurrency: 50 });
    expectBusinessAnswers(early);
    await scenario.converge();
    const snapshot = await system.faults.snapshotRedis();

    // N = 200 more grants, persisted, that the copy does not have. (The restart that took the
    // copy is itself a new server process: the first answers are 503 until it is reconciled.)
    const later = await scenario.fireUntilReady(scenario.crowd('b', 200), { concurrency: 50 });
    await scenario.converge();
    const laterWinners = [...merged(later).winners.keys()];
    expect(laterWinners.length).toBeGreaterThan(190);

    await system.faults.restartRedisFrom(snapshot);
    // What the API will find: the older state (as it was when the copy was taken).
    expect((await system.probes.ledger(scenario.campaignId)).count).toBe(300);

    // The N users apply again, and a new crowd twice the size of what is left.
    const answers = merged(
      await scenario.fireUntilReady([...laterWinners, ...scenario.crowd('c', 400)], {
        concurrency: 50,
      }),
    );

    await scenario.conclude('redis-rollback', {
      rolledBack: laterWinners.length,
      notReady503: answers.count('LEDGER_NOT_READY'),
      again409: [...answers.usersAnswered('ALREADY_ISSUED')].filter((u) => laterWinners.includes(u))
        .length,
      answers: `"${answers.summary()}"`,
    });
    for (const winner of laterWinners)
      expect(answers.usersAnswered('ISSUED').has(winner)).toBe(false);
  });

  it('Redis flushed while grants wait in Kafka: rebuild-ledger refuses, then nothing is granted twice', async () => {
    const scenario = await rollbackScenario();
    const { campaignId } = scenario;

    const persisted = await scenario.fire(scenario.crowd('a', 300), { concurrency: 50 });
    await scenario.converge();

    // The consumer goes away; 200 more grants reach Kafka (the outbox drains) and wait there.
    await scenario.consumer.stop();
    const waiting = await scenario.fire(scenario.crowd('b', 200), { concurrency: 50 });
    expectBusinessAnswers(waiting);
    await waitFor(
      'the relay to publish every grant',
      async () => ((await system.probes.ledger(campaignId)).outbox === 0 ? true : undefined),
      { timeoutMs: 30_000, intervalMs: 200 },
    );
    await system.probes.flushRedis();

    // The operator's rebuild sees the events in flight and refuses (it would forget 200 winners).
    const early = await system.runCli('rebuild-ledger', [campaignId]);
    expect(early.code, early.output).toBe(1);
    expect(early.output).toMatch(/refused for .*not yet persisted/);

    await system.startConsumer();
    const everyone = [...persisted.winners.keys(), ...waiting.winners.keys()];
    await waitFor(
      'the consumer to persist what waited in Kafka',
      async () =>
        (await system.probes.rowCounts(campaignId)).rows === everyone.length ? true : undefined,
      { timeoutMs: 90_000, intervalMs: 250 },
    );
    const rebuild = await system.runCli('rebuild-ledger', [campaignId]);
    expect(rebuild.code, rebuild.output).toBe(0);

    const answers = merged(
      await scenario.fireUntilReady([...everyone, ...scenario.crowd('c', 300)], {
        concurrency: 50,
      }),
    );

    await scenario.conclude('rebuild-in-flight', {
      waitingInKafka: waiting.winners.size,
      refusedWhileInFlight: early.code,
      again409: answers.count('ALREADY_ISSUED'),
      answers: `"${answers.summary()}"`,
    });
    expect(answers.count('ALREADY_ISSUED')).toBe(everyone.length);
  });
});
