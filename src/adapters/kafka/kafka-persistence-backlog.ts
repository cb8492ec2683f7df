import type { Admin, Kafka } from 'kafkajs';
import type { PersistenceBacklog } from '../../application/ports/persistence-backlog.port.ts';
import { PublisherUnavailableError } from '../../application/errors.ts';

/**
 * The errors a group meets while its coordinator is being elected or is still loading the
 * group's __consumer_offsets partition, as kafkajs names them (Kafka's names:
 * COORDINATOR_LOAD_IN_PROGRESS, COORDINATOR_NOT_AVAILABLE, NOT_COORDINATOR). On a freshly
 * formatted broker the first OffsetFetch of a group answers them for a few hundred ms (seen on
 * Kafka 4.4: three NOT_COORDINATOR_FOR_GROUP, then one GROUP_LOAD_IN_PROGRESS). kafkajs' consumer
 * retries them; its `admin.fetchOffsets` does not, so this adapter does.
 */
const COORDINATOR_NOT_READY: ReadonlySet<string> = new Set([
  'GROUP_LOAD_IN_PROGRESS',
  'GROUP_COORDINATOR_NOT_AVAILABLE',
  'NOT_COORDINATOR_FOR_GROUP',
]);

/**
 * Matched by name and type rather than `instanceof KafkaJSProtocolError`: kafkajs is CommonJS
 * and spreads its errors into module.exports, which Node's ESM loader cannot see as named exports.
 */
const coordinatorNotReady = (error: unknown): boolean =>
  error instanceof Error &&
  error.name === 'KafkaJSProtocolError' &&
  'type' in error &&
  typeof error.type === 'string' &&
  COORDINATOR_NOT_READY.has(error.type);

export interface KafkaPersistenceBacklogOptions {
  /** How long a coordinator that is not ready yet is waited for (default 5 s). */
  readonly coordinatorWaitMs?: number;
}

/**
 * The consumer group's lag on the topic: Σ over partitions of (end offset − committed offset).
 * A partition where the group committed nothing yet counts from its earliest offset. The group
 * commits only after the rows are durable (KafkaCouponConsumer), so zero lag means MySQL holds
 * every event the log has. One admin connection, reconnected after a failure.
 */
export class KafkaPersistenceBacklog implements PersistenceBacklog {
  readonly #admin: Admin;
  readonly #coordinatorWaitMs: number;
  #connection: Promise<void> | undefined;

  constructor(
    kafka: Kafka,
    private readonly topic: string,
    private readonly groupId: string,
    options: KafkaPersistenceBacklogOptions = {},
  ) {
    this.#admin = kafka.admin({ retry: { retries: 1 } });
    this.#coordinatorWaitMs = options.coordinatorWaitMs ?? 5_000;
  }

  async pending(): Promise<number> {
    try {
      this.#connection ??= this.#admin.connect();
      await this.#connection;
      const [ends, [committed]] = await Promise.all([
        this.#admin.fetchTopicOffsets(this.topic),
        this.#committedOffsets(),
      ]);
      const done = new Map(
        (committed?.partitions ?? []).map((p) => [p.partition, Number(p.offset)] as const),
      );
      let pending = 0;
      for (const partition of ends) {
        const start = Math.max(Number(partition.low), done.get(partition.partition) ?? -1);
        pending += Math.max(0, Number(partition.high) - start);
      }
      return pending;
    } catch (error) {
      this.#connection = undefined;
      throw new PublisherUnavailableError(error);
    }
  }

  /**
   * The group's committed offsets, retrying (50 ms doubling to 500 ms, for at most
   * coordinatorWaitMs) only while its coordinator is not ready; any other error, or the same
   * one past the deadline, is thrown as it came. A read: retrying it duplicates nothing.
   */
  async #committedOffsets(): ReturnType<Admin['fetchOffsets']> {
    const deadline = Date.now() + this.#coordinatorWaitMs;
    for (let delayMs = 50; ; delayMs = Math.min(delayMs * 2, 500)) {
      try {
        return await this.#admin.fetchOffsets({ groupId: this.groupId, topics: [this.topic] });
      } catch (error) {
        if (!coordinatorNotReady(error) || Date.now() + delayMs > deadline) throw error;
        await new Promise((resolve) => setTimeout(resolve, delayMs));
      }
    }
  }

  async close(): Promise<void> {
    this.#connection = undefined;
    await this.#admin.disconnect();
  }
}
