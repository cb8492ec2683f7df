import { ContainerModule } from 'inversify';
import type { Kafka } from 'kafkajs';
import type { Logger } from '../../application/ports/logger.port.ts';
import {
  createCouponProducer,
  createKafka,
  ensureTopicEventually,
} from '../../adapters/kafka/kafka-client.ts';
import { EventSigner, type SigningKey } from '../../adapters/kafka/event-signature.ts';
import { KafkaCouponPublisher } from '../../adapters/kafka/kafka-coupon-publisher.ts';
import { KafkaHealthCheck } from '../../adapters/kafka/kafka-health-check.ts';
import { KafkaPersistenceBacklog } from '../../adapters/kafka/kafka-persistence-backlog.ts';
import type { Config } from '../config.ts';
import type { Lifecycle } from '../runtime/lifecycle.ts';
import { HEALTH_CHECKS, PORTS, token } from './ports.ts';

/** The Kafka client and the signing keys, for the consumer's start (kafka-consumer.ts). */
export const KAFKA = token<Kafka>('kafka.Client');
export const SIGNING_KEYS = token<readonly SigningKey[]>('kafka.SigningKeys');

/**
 * The event log on Kafka: the publisher signs every event with the first key (rotation: README,
 * operations); the configuration refuses KAFKA_BROKERS without EVENT_SIGNING_KEYS (G4). The topic
 * is created at start if missing, or in the background while Kafka is down.
 */
export async function kafkaLog(
  config: Config,
  logger: Logger,
  lifecycle: Lifecycle,
  role: string,
): Promise<ContainerModule> {
  const [signingKey, ...others] = config.EVENT_SIGNING_KEYS ?? [];
  if (!signingKey) throw new Error('KAFKA_BROKERS without EVENT_SIGNING_KEYS'); // refused by loadConfig
  const kafka = createKafka({
    brokers: (config.KAFKA_BROKERS ?? '').split(','),
    clientId: `${config.KAFKA_CLIENT_ID}-${role}`,
    logger,
  });
  const stopTopicRetry = await ensureTopicEventually(
    kafka,
    {
      name: config.KAFKA_TOPIC,
      partitions: config.KAFKA_TOPIC_PARTITIONS,
      replicationFactor: config.KAFKA_REPLICATION_FACTOR,
    },
    logger,
  );
  const producer = createCouponProducer(kafka);
  const health = new KafkaHealthCheck(kafka);
  const backlog = new KafkaPersistenceBacklog(
    kafka,
    config.KAFKA_TOPIC,
    config.KAFKA_CONSUMER_GROUP,
  );
  lifecycle.onStop('kafka', async () => {
    stopTopicRetry();
    await health.close();
    await backlog.close();
    await producer.disconnect();
  });
  return new ContainerModule(({ bind }) => {
    bind(KAFKA).toConstantValue(kafka);
    bind(SIGNING_KEYS).toConstantValue([signingKey, ...others]);
    bind(PORTS.publisher).toConstantValue(
      new KafkaCouponPublisher(producer, config.KAFKA_TOPIC, new EventSigner(signingKey)),
    );
    bind(HEALTH_CHECKS).toConstantValue(health);
    bind(PORTS.backlog).toConstantValue(backlog);
  });
}
