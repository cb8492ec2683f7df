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

/**
 * Scenario 1: the Kafka broker is SIGKILLed early in a stampede. The apply path never touches
 * Kafka, so users keep getting 201/409/410; the grants wait in the Redis outbox; the relay backs
 * off (no crash on KafkaJSNumberOfRetriesExceeded) and catches up once the broker is back.
 */
describe('fault: Kafka broker SIGKILLed mid-stampede, restarted', () => {
  const system = useE2eSystem();

  it('keeps answering from Redis while Kafka is down and loses nothing', async () => {
    const api = await system.startApi();
    const consumer = await system.startConsumer();
    const total = 1000;
    const campaignId = await system.createCampaign(api, total);

    let outage: Promise<void> | undefined;
    let brokerDead = false;
    let issuedWhileDown = 0;
    const outcome = await fire({
      baseUrl: api.url,
      campaignId,
      users: usersWithRepeats(4000, 2000, `${campaignId}-u`),
      concurrency: 100,
      onAnswer: (answered, answer) => {
        if (answered === 200) {
          outage = system.faults.kill('kafka').then(() => {
            brokerDead = true;
          });
        }
        if (brokerDead && answer.status === 201) issuedWhileDown += 1;
      },
    });
    await outage;

    // Kafka is not on the request path: coupons kept being issued with the broker dead.
    expectBusinessAnswers(outcome);
    expect(issuedWhileDown).toBeGreaterThan(0);
    // What was granted meanwhile waits in the outbox: it cannot have been published.
    const waiting = (await system.probes.ledger(campaignId)).outbox;
    expect(waiting).toBeGreaterThan(0);

    await system.faults.start('kafka');
    const back = Date.now();
    await converge(system.probes, campaignId);
    const caughtUpMs = Date.now() - back;

    const verdict = await judge(system.probes, { id: campaignId, totalQuantity: total }, [outcome]);
    report('kafka-kill', verdict, {
      issuedWhileDown,
      outboxWhileDown: waiting,
      caughtUpMs,
      answers: `"${outcome.summary()}"`,
    });
    expectSound(verdict);
    expect(verdict.rows).toBe(total);
    // Neither process crashed on the outage.
    expect(api.alive && consumer.alive).toBe(true);
  });
});
