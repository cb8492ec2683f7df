import { ContainerModule, type ServiceIdentifier } from 'inversify';
import type { Kafka } from 'kafkajs';
import type { Logger } from '../../application/ports/logger.port.ts';
import {
  createCouponProducer,
  createKafka,
  ensureTopic,
} from '../../adapters/kafka/kafka-client.ts';
import { EventSigner, type SigningKey } from '../../adapters/kafka/event-signature.ts';
import { KafkaCouponPublisher } from '../../adapters/kafka/kafka-coupon-publisher.ts';
import { KafkaHealthCheck } from '../../adapters/kafka/kafka-health-check.ts';
import { KafkaPersistenceBacklog } from '../../adapters/kafka/kafka-persistence-backlog.ts';
import { ConfigError, type Config } from './config.ts';
import type { Lifecycle } from '../runtime/lifecycle.ts';
import { ADAPTERS, TOKENS as T } from './tokens.ts';

/** The Kafka client and the signing keys, for the consumer's start (kafka-consumer.ts). */
export const KAFKA = Symbol.for('coupon.kafka.Client') as ServiceIdentifier<Kafka>;
export const SIGNING_KEYS = Symbol.for('coupon.kafka.SigningKeys') as ServiceIdentifier<
  readonly SigningKey[]
>;
const TOPIC_RETRY_MS = 5000;

/**
 * The event log on Kafka. The topic is created at start if missing; when Kafka is down at that
 * moment the process still starts (apply keeps answering from Redis, the outbox holds the events)
 * and keeps trying in the background.
 */
export async function kafkaModule(
  config: Config,
  logger: Logger,
  lifecycle: Lifecycle,
  role: string,
): Promise<ContainerModule> {
  const keys = requireSigningKeys(config);
  const kafka = createKafka({
    brokers: (config.KAFKA_BROKERS ?? '').split(','),
    clientId: `${config.KAFKA_CLIENT_ID}-${role}`,
    logger,
  });
  await ensureTopicEventually(config, kafka, logger, lifecycle);
  const producer = createCouponProducer(kafka);
  const health = new KafkaHealthCheck(kafka);
  const backlog = new KafkaPersistenceBacklog(
    kafka,
    config.KAFKA_TOPIC,
    config.KAFKA_CONSUMER_GROUP,
  );
  lifecycle.onStop('kafka', async () => {
    await health.close();
    await backlog.close();
    await producer.disconnect();
  });
  return new ContainerModule(({ bind }) => {
    bind(KAFKA).toConstantValue(kafka);
    bind(SIGNING_KEYS).toConstantValue(keys);
    bind(ADAPTERS.publisher).toConstantValue(
      // Signs with the first key: the current one (rotation: README, operations).
      new KafkaCouponPublisher(producer, config.KAFKA_TOPIC, new EventSigner(keys[0])),
    );
    bind(T.healthChecks).toConstantValue(health);
    bind(T.backlog).toConstantValue(backlog);
  });
}

/**
 * Kafka means events from the network, so they are signed and verified, always: a process on
 * Kafka without EVENT_SIGNING_KEYS refuses to start (one line), rather than run a consumer that
 * would persist whatever anyone writes to the topic (G4). The embedded mode has no Kafka and
 * needs no key. There is deliberately no "unverified" switch.
 */
function requireSigningKeys(config: Config): readonly [SigningKey, ...SigningKey[]] {
  const keys = config.EVENT_SIGNING_KEYS;
  if (!keys || keys.length === 0) {
    throw new ConfigError(
      'invalid configuration: EVENT_SIGNING_KEYS: is required when KAFKA_BROKERS is set (keyId:secret[,keyId:secret…], secrets of 32+ characters)',
    );
  }
  return keys as [SigningKey, ...SigningKey[]];
}

async function ensureTopicEventually(
  config: Config,
  kafka: ReturnType<typeof createKafka>,
  logger: Logger,
  lifecycle: Lifecycle,
): Promise<void> {
  const attempt = () =>
    ensureTopic(
      kafka,
      config.KAFKA_TOPIC,
      config.KAFKA_TOPIC_PARTITIONS,
      config.KAFKA_REPLICATION_FACTOR,
    );
  try {
    await attempt();
    return;
  } catch (error) {
    logger.warn(
      { err: error, topic: config.KAFKA_TOPIC },
      'kafka unavailable at start; retrying in the background',
    );
  }
  let timer: NodeJS.Timeout | undefined;
  const retry = () => {
    timer = setTimeout(() => {
      attempt().then(() => logger.info({ topic: config.KAFKA_TOPIC }, 'kafka topic ready'), retry);
    }, TOPIC_RETRY_MS);
    timer.unref();
  };
  retry();
  lifecycle.onStop('kafka-topic', async () => clearTimeout(timer));
}
