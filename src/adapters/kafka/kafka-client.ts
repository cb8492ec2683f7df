import {
  Kafka,
  logLevel,
  Partitioners,
  type LogEntry,
  type Producer,
  type RetryOptions,
} from 'kafkajs';
import type { Logger } from '../../application/ports/logger.port.ts';

/** The topic the relay publishes to and the consumer reads from. */
export const COUPON_ISSUED_TOPIC = 'coupon-issued';

export interface KafkaClientOptions {
  readonly brokers: readonly string[];
  readonly clientId: string;
  /** Where kafkajs' own warnings and errors go; without one they are dropped. */
  readonly logger?: Logger;
  /** Overrides the cluster-level retry (connecting, metadata, admin, consumer group calls). */
  readonly retry?: RetryOptions;
}

/**
 * Cluster-level retry: used for connecting to the seed broker, metadata, admin and group
 * calls. Small on purpose: every caller above has its own, better informed retry (the relay's
 * WorkerLoop backs off, the consumer retries a batch, kafkajs restarts a crashed consumer), so a
 * broker that is down should surface as an error in ~2 s, not after kafkajs' default
 * 5 retries up to 30 s each (minutes).
 */
const CLUSTER_RETRY: RetryOptions = { retries: 3, initialRetryTime: 300, maxRetryTime: 3_000 };

/**
 * Producer retry: 2 in-place retries absorb a leader move or a metadata refresh; anything longer
 * is the relay's job (it keeps the events in the outbox and backs off up to its cap).
 */
const PRODUCER_RETRY: RetryOptions = { retries: 2, initialRetryTime: 300, maxRetryTime: 2_000 };

export function createKafka(options: KafkaClientOptions): Kafka {
  if (options.brokers.length === 0) throw new Error('createKafka: at least one broker is required');
  const { logger } = options;
  return new Kafka({
    clientId: options.clientId,
    brokers: [...options.brokers],
    // Loopback or same-datacenter brokers answer a TCP connect in milliseconds; 3 s tolerates a
    // busy broker without letting a black-holed address stall every retry for long.
    connectionTimeout: 3_000,
    // Above the produce `timeout` (5 s, see KafkaCouponPublisher) so the broker, not the
    // socket, reports a slow ISR. Fetch and JoinGroup requests get their own longer timeouts
    // from kafkajs (maxWaitTime / rebalanceTimeout are added), so this does not cut them short.
    requestTimeout: 10_000,
    retry: options.retry ?? CLUSTER_RETRY,
    // warn+ only: kafkajs logs every connection and group event at info, which would drown ours.
    logLevel: logger ? logLevel.WARN : logLevel.NOTHING,
    logCreator: () => (entry: LogEntry) => {
      if (!logger) return;
      // kafkajs puts its own timestamp and logger name in every entry; ours adds both again.
      const context: Record<string, unknown> = { kafkajs: entry.namespace, ...entry.log };
      delete context['message'];
      delete context['timestamp'];
      delete context['logger'];
      const message = `kafkajs: ${entry.log.message}`;
      if (entry.level === logLevel.ERROR) logger.error(context, message);
      else if (entry.level === logLevel.WARN) logger.warn(context, message);
      else logger.debug(context, message);
    },
  });
}

/**
 * The producer KafkaCouponPublisher expects.
 *
 * Not idempotent, on purpose. Kafka's idempotent producer only removes duplicates that its own
 * in-session retries create. The relay already delivers at least once (a crash between the
 * broker's ack and the outbox ack republishes the batch, from a new producer id), so the
 * consumer must be idempotent anyway: `saveAll` ignores an existing (campaign, user). In
 * kafkajs the idempotent mode is also marked experimental, wants `maxInFlightRequests: 1`
 * (concurrent publishes would queue behind each other per broker) and unlimited retries (it
 * warns otherwise), which fights the fail-fast-and-let-the-relay-back-off design. Ordering is
 * not relied on anywhere, so the one thing idempotence adds (no reordering on retry) buys
 * nothing here.
 */
export function createCouponProducer(kafka: Kafka): Producer {
  return kafka.producer({
    // Explicit, and the Java-compatible murmur2 partitioner: a key lands on the same partition
    // whichever client (kafkajs, Java tooling) writes it. Also silences kafkajs' v2 warning.
    createPartitioner: Partitioners.DefaultPartitioner,
    // The topic is created by ensureTopic at boot with the partitions we chose; a typo must fail
    // loudly instead of creating a topic with the broker's defaults that nobody consumes.
    allowAutoTopicCreation: false,
    idempotent: false,
    retry: PRODUCER_RETRY,
  });
}

/**
 * Creates the topic when it is missing and waits until every partition has a leader, so the
 * first publish does not race the controller. Idempotent: an existing topic is left as it is
 * (its partition count is not changed: that would move keys between partitions).
 * `replicationFactor` is 1 for the single local broker; production passes 3.
 */
export async function ensureTopic(
  kafka: Kafka,
  topic: string,
  partitions: number,
  replicationFactor = 1,
): Promise<boolean> {
  const admin = kafka.admin();
  await admin.connect();
  try {
    if ((await admin.listTopics()).includes(topic)) return false;
    return await admin.createTopics({
      topics: [{ topic, numPartitions: partitions, replicationFactor }],
      waitForLeaders: true,
    });
  } catch (error) {
    // Two processes starting together both saw no topic; the loser's "already exists" is success.
    if (isTopicAlreadyExists(error)) return false;
    throw error;
  } finally {
    await admin.disconnect();
  }
}

/**
 * ensureTopic, and when Kafka is down at that moment, again every `retryMs` in the background
 * until it works: the process starts anyway (apply keeps answering from Redis, the outbox holds
 * the events). Returns what stops the retrying (shutdown).
 */
export async function ensureTopicEventually(
  kafka: Kafka,
  topic: { readonly name: string; readonly partitions: number; readonly replicationFactor: number },
  logger: Logger,
  retryMs = 5000,
): Promise<() => void> {
  const attempt = () => ensureTopic(kafka, topic.name, topic.partitions, topic.replicationFactor);
  try {
    await attempt();
    return () => undefined;
  } catch (error) {
    logger.warn(
      { err: error, topic: topic.name },
      'kafka unavailable at start; retrying in the background',
    );
  }
  let timer: NodeJS.Timeout | undefined;
  const retry = () => {
    timer = setTimeout(() => {
      attempt().then(() => logger.info({ topic: topic.name }, 'kafka topic ready'), retry);
    }, retryMs);
    timer.unref();
  };
  retry();
  return () => clearTimeout(timer);
}

function isTopicAlreadyExists(error: unknown): boolean {
  const errors = (error as { errors?: { type?: string }[] } | undefined)?.errors;
  return (
    Array.isArray(errors) &&
    errors.length > 0 &&
    errors.every((e) => e.type === 'TOPIC_ALREADY_EXISTS')
  );
}
