import { EventVerifier } from '../../adapters/kafka/event-signature.ts';
import { KafkaCouponConsumer } from '../../adapters/kafka/kafka-coupon-consumer.ts';
import type { RecordIssuedCoupons } from '../../application/persist/record-issued-coupons.ts';
import type { Runtime } from '../wiring/container.ts';
import { KAFKA, SIGNING_KEYS } from '../wiring/adapters-kafka.ts';

/**
 * The consumer group: one RecordIssuedCoupons call per batch, offsets committed after the rows
 * are durable. A consumer kafkajs will not restart ends the process, so a supervisor restarts it
 * instead of leaving a process that looks alive and consumes nothing.
 */
export async function startKafkaConsumer(
  runtime: Runtime,
  record: RecordIssuedCoupons,
): Promise<void> {
  const { config, container, logger, lifecycle } = runtime;
  const consumer = new KafkaCouponConsumer(container.get(KAFKA), {
    groupId: config.KAFKA_CONSUMER_GROUP,
    topic: config.KAFKA_TOPIC,
    record,
    // Accepts any configured key: during a rotation, events signed with either one.
    verifier: new EventVerifier(container.get(SIGNING_KEYS)),
    failures: runtime.ports.failures,
    clock: runtime.ports.clock,
    logger,
    partitionsConsumedConcurrently: config.CONSUMER_CONCURRENCY,
    sessionTimeoutMs: config.KAFKA_SESSION_TIMEOUT_MS,
    heartbeatIntervalMs: config.KAFKA_HEARTBEAT_INTERVAL_MS,
    rebalanceTimeoutMs: config.KAFKA_REBALANCE_TIMEOUT_MS,
  });
  await consumer.start();
  const watchdog = setInterval(() => {
    if (consumer.stats.state !== 'crashed') return;
    logger.error({}, 'kafka consumer crashed and will not restart: exiting');
    void lifecycle.stop().finally(() => process.exit(1));
  }, 1000);
  watchdog.unref();
  lifecycle.onStop('kafka-consumer', async () => {
    clearInterval(watchdog);
    await consumer.stop();
  });
}
