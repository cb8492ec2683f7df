/**
 * The consumer the batched one replaces: the same topic, the same concurrency (partitions
 * consumed concurrently), the same idempotent statement, but ONE `INSERT` (and so one commit)
 * per message. Env: KAFKA_BROKERS, KAFKA_TOPIC, KAFKA_CONSUMER_GROUP, DATABASE_URL,
 * CONSUMER_CONCURRENCY.
 */
import { Kafka, logLevel } from 'kafkajs';
import { createPool } from 'mysql2/promise';
import { decodeCouponIssued } from '../../src/application/persist/coupon-issued-event.ts';

const env = (name: string) => process.env[name] ?? '';
const pool = createPool({ uri: env('DATABASE_URL'), connectionLimit: 20, timezone: 'Z' });
const kafka = new Kafka({
  clientId: 'bench-row-by-row',
  brokers: env('KAFKA_BROKERS').split(','),
  logLevel: logLevel.WARN,
});
const consumer = kafka.consumer({ groupId: env('KAFKA_CONSUMER_GROUP'), maxWaitTimeInMs: 1000 });

await consumer.connect();
await consumer.subscribe({ topics: [env('KAFKA_TOPIC')], fromBeginning: true });
await consumer.run({
  partitionsConsumedConcurrently: Number(process.env['CONSUMER_CONCURRENCY'] ?? 3),
  eachMessage: async ({ message }) => {
    const decoded = decodeCouponIssued(message.value?.toString('utf8') ?? '');
    if (!decoded.ok) return;
    const { campaignId, userId, sequence, issuedAt } = decoded.coupon;
    await pool.execute(
      'insert into `coupon` (`campaign_id`, `user_id`, `sequence`, `issued_at`) values (?, ?, ?, ?) ' +
        'on duplicate key update `id` = `id`',
      [campaignId, userId, sequence, issuedAt],
    );
  },
});

const stop = () => {
  void consumer
    .disconnect()
    .then(() => pool.end())
    .finally(() => process.exit(0));
};
process.once('SIGTERM', stop);
process.once('SIGINT', stop);
