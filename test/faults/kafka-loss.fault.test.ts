import { describe, it } from 'vitest';
import { useE2eSystem } from '../support/e2e-harness.ts';
import { expectBusinessAnswers } from '../support/e2e-guarantees.ts';
import { waitFor } from '../support/e2e-wait.ts';
import { faultScenario } from '../support/fault-scenario.ts';

/**
 * Issue 22, scenario 2: Kafka loses what it acknowledged. The consumer is down while 600 grants
 * are relayed (the outbox acknowledged and emptied: Kafka holds them alone), then the topic is
 * lost with them (deleted by mistake, a broker's disk), and created again empty. The consumer
 * comes back and more users win until the campaign sells out. The persistence audit waits until
 * nothing is left unconsumed, finds the 600 grants without a row and re-emits them.
 */
describe('fault: the Kafka topic is lost with relayed, unconsumed events', () => {
  const system = useE2eSystem();

  it('re-emits every lost event from the ledger: every 201 ends as a row, exactly the cap', async () => {
    const scenario = await faultScenario(system);
    await scenario.consumer.stop();

    const before = await scenario.fire(scenario.crowd('a', 600));
    expectBusinessAnswers(before);
    await waitFor('the relay to publish every grant', async () =>
      (await system.probes.ledger(scenario.campaignId)).outbox === 0 ? true : undefined,
    );
    const { end: relayed } = await system.offsets();
    await system.loseTopic();
    const lostAt = Date.now();

    await system.startConsumer();
    const after = await scenario.fire(scenario.users('b', 1600));
    expectBusinessAnswers(after);
    await scenario.converge();
    const repairedMs = Date.now() - lostAt;

    await scenario.conclude('kafka-loss', {
      lostEvents: relayed,
      repairedMs,
      answersBefore: `"${before.summary()}"`,
      answersAfter: `"${after.summary()}"`,
    });
  });
});
