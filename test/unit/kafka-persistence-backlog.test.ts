import { createRequire } from 'node:module';
import type { Admin, Kafka } from 'kafkajs';
import { describe, expect, it } from 'vitest';
import { KafkaPersistenceBacklog } from '../../src/adapters/kafka/kafka-persistence-backlog.ts';
import { PublisherUnavailableError } from '../../src/application/errors.ts';

/**
 * The errors exactly as kafkajs builds them from a response's error code (its own factory, so a
 * misspelt type in the adapter fails here): 14 COORDINATOR_LOAD_IN_PROGRESS, 15
 * COORDINATOR_NOT_AVAILABLE, 16 NOT_COORDINATOR, 3 UNKNOWN_TOPIC_OR_PARTITION.
 */
const { createErrorFromCode } = createRequire(import.meta.url)('kafkajs/src/protocol/error.js') as {
  createErrorFromCode: (this: void, code: number) => Error;
};

const TOPIC = 'coupon-issued';
const GROUP = 'coupon-persister';

/**
 * An admin whose fetchOffsets throws the queued errors one call at a time, then answers: 3
 * partitions with 10 events each, the group committed 4 on partition 0 and nothing elsewhere.
 * A unit test because a fresh broker cannot be had cheaply in the real suite (the shared broker's
 * coordinators are loaded long before a test runs); against a just-formatted 4.4 broker the first
 * fetchOffsets of a group failed 3× NOT_COORDINATOR, then 1× COORDINATOR_LOAD_IN_PROGRESS.
 */
function scriptedAdmin(errors: Error[]): { kafka: Kafka; fetchOffsetsCalls: () => number } {
  let calls = 0;
  const admin: Pick<Admin, 'connect' | 'disconnect' | 'fetchTopicOffsets' | 'fetchOffsets'> = {
    connect: () => Promise.resolve(),
    disconnect: () => Promise.resolve(),
    fetchTopicOffsets: () =>
      Promise.resolve(
        [0, 1, 2].map((partition) => ({ partition, offset: '10', high: '10', low: '0' })),
      ),
    fetchOffsets: () => {
      calls += 1;
      const error = errors.shift();
      if (error) return Promise.reject(error);
      return Promise.resolve([
        {
          topic: TOPIC,
          partitions: [
            { partition: 0, offset: '4', metadata: null },
            { partition: 1, offset: '-1', metadata: null },
            { partition: 2, offset: '-1', metadata: null },
          ],
        },
      ]);
    },
  };
  const kafka = { admin: () => admin } as unknown as Kafka;
  return { kafka, fetchOffsetsCalls: () => calls };
}

describe('KafkaPersistenceBacklog (lag) while the group coordinator is not ready', () => {
  it('retries the coordinator errors of a fresh broker and then answers the lag', async () => {
    const { kafka, fetchOffsetsCalls } = scriptedAdmin([
      createErrorFromCode(16),
      createErrorFromCode(15),
      createErrorFromCode(14),
    ]);
    const backlog = new KafkaPersistenceBacklog(kafka, TOPIC, GROUP);

    await expect(backlog.pending()).resolves.toBe(6 + 10 + 10);
    expect(fetchOffsetsCalls()).toBe(4);
  });

  it('does not retry any other error', async () => {
    const unknownTopic = createErrorFromCode(3);
    const { kafka, fetchOffsetsCalls } = scriptedAdmin([unknownTopic]);
    const backlog = new KafkaPersistenceBacklog(kafka, TOPIC, GROUP);

    const failure = await backlog.pending().catch((error: unknown) => error);
    expect(failure).toBeInstanceOf(PublisherUnavailableError);
    expect((failure as Error).cause).toBe(unknownTopic);
    expect(fetchOffsetsCalls()).toBe(1);
  });

  it('gives up after its bound when the coordinator never becomes ready', async () => {
    const { kafka, fetchOffsetsCalls } = scriptedAdmin(
      Array.from({ length: 100 }, () => createErrorFromCode(14)),
    );
    const backlog = new KafkaPersistenceBacklog(kafka, TOPIC, GROUP, { coordinatorWaitMs: 400 });

    const started = Date.now();
    const failure = await backlog.pending().catch((error: unknown) => error);
    expect(failure).toBeInstanceOf(PublisherUnavailableError);
    expect((failure as Error).cause).toMatchObject({ type: 'GROUP_LOAD_IN_PROGRESS' });
    expect(Date.now() - started).toBeLessThan(2_000);
    // 50 + 100 + 200 ms of backoff fit in 400 ms; the next 400 ms would not.
    expect(fetchOffsetsCalls()).toBe(4);
  });
});
