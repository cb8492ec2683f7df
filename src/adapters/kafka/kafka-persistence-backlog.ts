import type { Admin, Kafka } from 'kafkajs';
import type { PersistenceBacklog } from '../../application/ports/persistence-backlog.port.ts';
import { PublisherUnavailableError } from '../../application/errors.ts';

/**
 * The consumer group's lag on the topic: Σ over partitions of (end offset − committed offset).
 * A partition where the group committed nothing yet counts from its earliest offset. The group
 * commits only after the rows are durable (KafkaCouponConsumer), so zero lag means MySQL holds
 * every event the log has. One admin connection, reconnected after a failure.
 */
export class KafkaPersistenceBacklog implements PersistenceBacklog {
  readonly #admin: Admin;
  #connection: Promise<void> | undefined;

  constructor(
    kafka: Kafka,
    private readonly topic: string,
    private readonly groupId: string,
  ) {
    this.#admin = kafka.admin({ retry: { retries: 1 } });
  }

  async pending(): Promise<number> {
    try {
      this.#connection ??= this.#admin.connect();
      await this.#connection;
      const [ends, [committed]] = await Promise.all([
        this.#admin.fetchTopicOffsets(this.topic),
        this.#admin.fetchOffsets({ groupId: this.groupId, topics: [this.topic] }),
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

  async close(): Promise<void> {
    this.#connection = undefined;
    await this.#admin.disconnect();
  }
}
