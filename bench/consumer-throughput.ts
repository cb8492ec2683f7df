import { fileURLToPath } from 'node:url';
import {
  createCouponProducer,
  createKafka,
  ensureTopic,
} from '../src/adapters/kafka/kafka-client.ts';
import { KafkaCouponPublisher } from '../src/adapters/kafka/kafka-coupon-publisher.ts';
import type { Coupon } from '../src/domain/coupon.ts';
import type { CampaignId, UserId } from '../src/domain/ids.ts';
import { scalar, type BenchEnvironment } from './bench-environment.ts';
import { startNodeProcess } from './node-process.ts';
import { round } from './load.ts';
import { cpuMeter, servicePids } from './process-cpu.ts';
import { BENCH_SIGNING_ENV, BENCH_SIGNING_KEY } from './signing-key.ts';
import { EventSigner } from '../src/adapters/kafka/event-signature.ts';

export type ConsumerMode = 'batched' | 'row-by-row';

export interface ConsumerResult {
  readonly mode: ConsumerMode;
  readonly events: number;
  /** How fast the pre-fill went in (the real publisher, batches of PUBLISH_BATCH), events/s. */
  readonly publishPerSecond: number;
  /** From the first row to the last, excluding process start and group join. */
  readonly couponsPerSecond: number;
  readonly persistSeconds: number;
  /** From spawning the consumer process until the last row: boot and group join included. */
  readonly secondsIncludingStart: number;
  /** persistSeconds scaled to `extrapolatedTo` events when fewer were measured. */
  readonly extrapolatedSeconds?: { readonly events: number; readonly seconds: number };
  readonly cpuPercent: Record<string, number>;
}

const PUBLISH_BATCH = 5_000;
const STALL_TIMEOUT_MS = 30_000;
const entry = {
  batched: fileURLToPath(new URL('../src/bootstrap/entrypoints/main-consumer.ts', import.meta.url)),
  'row-by-row': fileURLToPath(new URL('./consumers/row-by-row-consumer.ts', import.meta.url)),
};

/**
 * Fills a fresh topic with `events` CouponIssued events of a fresh campaign (with the real
 * publisher, exactly as the relay writes them), then starts the consumer with a fresh group and
 * times how long MySQL takes to hold all of them. `batched` is the real consumer entrypoint
 * (KafkaCouponConsumer → RecordIssuedCoupons → one multi-row insert per batch); `row-by-row` is
 * bench/consumers/row-by-row-consumer.ts (one INSERT per message, same concurrency).
 */
export async function measureConsumer(
  environment: BenchEnvironment,
  mode: ConsumerMode,
  events: number,
  extrapolateTo: number,
): Promise<ConsumerResult> {
  const campaignId = `persist-${mode}-${environment.runId}` as CampaignId;
  const topic = environment.topic(`persist-${mode}`);
  await environment.mysql.execute(
    'insert into campaign (id, name, total_quantity, per_user_limit) values (?, ?, ?, 1)',
    [campaignId, `bench ${mode}`, events],
  );
  const publishPerSecond = await prefill(environment, topic, campaignId, events);

  const pids = servicePids();
  const spawnedAt = performance.now();
  const consumer = await startNodeProcess(
    entry[mode],
    {
      KAFKA_BROKERS: environment.kafkaBrokers,
      ...BENCH_SIGNING_ENV,
      DATABASE_URL: environment.databaseUrl,
      KAFKA_TOPIC: topic,
      KAFKA_CONSUMER_GROUP: `${topic}-group`,
      METRICS_PORT: '0',
    },
    { log: (text) => process.stderr.write(`[${mode} consumer] ${text}`) },
  );
  const meter = cpuMeter({
    consumer: consumer.child.pid ?? 0,
    mariadb: pids['mariadb'] ?? 0,
    kafka: pids['kafka'] ?? 0,
  });
  try {
    const count = () =>
      scalar(environment.mysql, 'select count(*) as n from coupon where campaign_id = ?', [
        campaignId,
      ]);
    let last = { at: performance.now(), rows: 0 };
    for (;;) {
      const rows = await count();
      const at = performance.now();
      if (rows >= events) break;
      if (rows > last.rows) last = { at, rows };
      else if (at - last.at > STALL_TIMEOUT_MS)
        throw new Error(`${mode} consumer stalled at ${rows}/${events} rows`);
      await new Promise((resolve) => setTimeout(resolve, 25));
    }
    const doneAt = performance.now();
    const cpuPercent = meter.stop();
    // From the first row's insert (persisted_at: when its statement ran, on the database's
    // clock) to now: process start and group join excluded, the first statement included.
    const persistMs = await scalar(
      environment.mysql,
      'select timestampdiff(microsecond, min(persisted_at), now(3)) / 1000 as n from coupon where campaign_id = ?',
      [campaignId],
    );
    const persistSeconds = Math.max(persistMs / 1000, 0.001);
    const couponsPerSecond = Math.round(events / persistSeconds);
    return {
      mode,
      events,
      publishPerSecond,
      couponsPerSecond,
      persistSeconds: round(persistSeconds, 2),
      secondsIncludingStart: round((doneAt - spawnedAt) / 1000, 2),
      ...(events < extrapolateTo
        ? {
            extrapolatedSeconds: {
              events: extrapolateTo,
              seconds: round(extrapolateTo / couponsPerSecond, 1),
            },
          }
        : {}),
      cpuPercent,
    };
  } finally {
    await consumer.stop();
  }
}

async function prefill(
  environment: BenchEnvironment,
  topic: string,
  campaignId: CampaignId,
  events: number,
): Promise<number> {
  const kafka = createKafka({
    brokers: environment.kafkaBrokers.split(','),
    clientId: 'bench-prefill',
  });
  await ensureTopic(kafka, topic, 3);
  const producer = createCouponProducer(kafka);
  const publisher = new KafkaCouponPublisher(producer, topic, new EventSigner(BENCH_SIGNING_KEY));
  const issuedAt = new Date();
  const started = performance.now();
  try {
    for (let from = 0; from < events; from += PUBLISH_BATCH) {
      const batch: Coupon[] = [];
      for (let i = from; i < Math.min(events, from + PUBLISH_BATCH); i++) {
        batch.push({ campaignId, userId: `p${i}` as UserId, sequence: i + 1, issuedAt });
      }
      await publisher.publish(batch);
    }
    return Math.round(events / ((performance.now() - started) / 1000));
  } finally {
    await producer.disconnect();
  }
}
