import { describe, expect, it } from 'vitest';
import { useE2eSystem } from '../support/e2e-harness.ts';
import { waitFor } from '../support/e2e-wait.ts';
import {
  converge,
  expectBusinessAnswers,
  expectSound,
  judge,
  report,
} from '../support/e2e-guarantees.ts';
import { fire, fireUntilReady, merged, usersWithRepeats } from '../support/e2e-stampede.ts';

const users = (count: number, prefix: string) => usersWithRepeats(count, count, prefix);

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

  it('Redis restarted from a copy taken N grants earlier: nobody is granted twice, the cap holds', async () => {
    // The fence is under test, not the periodic check: keep it from reconciling behind our probes.
    const api = await system.startApi({ LEDGER_CHECK_INTERVAL_MS: '3600000' });
    await system.startConsumer();
    const total = 600;
    const campaignId = await system.createCampaign(api, total);

    const early = await fire({
      baseUrl: api.url,
      campaignId,
      users: users(300, `${campaignId}-a`),
      concurrency: 50,
    });
    expectBusinessAnswers(early);
    await converge(system.probes, campaignId);
    const snapshot = await system.faults.snapshotRedis();

    // N = 200 more grants, persisted, that the copy does not have. (The restart that took the
    // copy is itself a new server process: the first answers are 503 until it is reconciled.)
    const later = await fireUntilReady({
      baseUrl: api.url,
      campaignId,
      users: users(200, `${campaignId}-b`),
      concurrency: 50,
    });
    await converge(system.probes, campaignId);
    const laterWinners = [...merged(later).winners.keys()];
    expect(laterWinners.length).toBeGreaterThan(190);

    await system.faults.restartRedisFrom(snapshot);
    // What the API will find: the older state (as it was when the copy was taken).
    expect((await system.probes.ledger(campaignId)).count).toBe(300);

    // The N users apply again, and a new crowd twice the size of what is left.
    const after = await fireUntilReady({
      baseUrl: api.url,
      campaignId,
      users: [...laterWinners, ...users(400, `${campaignId}-c`)],
      concurrency: 50,
    });
    const answers = merged(after);
    await converge(system.probes, campaignId);

    const verdict = await judge(system.probes, { id: campaignId, totalQuantity: total }, [
      early,
      ...later,
      ...after,
    ]);
    report('redis-rollback', verdict, {
      rolledBack: laterWinners.length,
      notReady503: answers.count('LEDGER_NOT_READY'),
      again409: [...answers.usersAnswered('ALREADY_ISSUED')].filter((u) => laterWinners.includes(u))
        .length,
      answers: `"${answers.summary()}"`,
    });
    expectSound(verdict);
    for (const winner of laterWinners)
      expect(answers.usersAnswered('ISSUED').has(winner)).toBe(false);
    expect(verdict.rows).toBe(total);
  });

  it('Redis flushed while grants wait in Kafka: rebuild-ledger refuses, then nothing is granted twice', async () => {
    // The fence is under test, not the periodic check: keep it from reconciling behind our probes.
    const api = await system.startApi({ LEDGER_CHECK_INTERVAL_MS: '3600000' });
    const consumer = await system.startConsumer();
    const total = 600;
    const campaignId = await system.createCampaign(api, total);

    const persisted = await fire({
      baseUrl: api.url,
      campaignId,
      users: users(300, `${campaignId}-a`),
      concurrency: 50,
    });
    await converge(system.probes, campaignId);

    // The consumer goes away; 200 more grants reach Kafka (the outbox drains) and wait there.
    await consumer.stop();
    const waiting = await fire({
      baseUrl: api.url,
      campaignId,
      users: users(200, `${campaignId}-b`),
      concurrency: 50,
    });
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

    const after = await fireUntilReady({
      baseUrl: api.url,
      campaignId,
      users: [...everyone, ...users(300, `${campaignId}-c`)],
      concurrency: 50,
    });
    const answers = merged(after);
    await converge(system.probes, campaignId);

    const verdict = await judge(system.probes, { id: campaignId, totalQuantity: total }, [
      persisted,
      waiting,
      ...after,
    ]);
    report('rebuild-in-flight', verdict, {
      waitingInKafka: waiting.winners.size,
      refusedWhileInFlight: early.code,
      again409: answers.count('ALREADY_ISSUED'),
      answers: `"${answers.summary()}"`,
    });
    expectSound(verdict);
    expect(answers.count('ALREADY_ISSUED')).toBe(everyone.length);
    expect(verdict.rows).toBe(total);
  });
});
