/**
 * Consumer rows per second for ONE partition: a topic with a single partition is filled with
 * CouponIssued events (the real publisher, as the relay writes them), then ONE consumer process
 * (src/bootstrap/entrypoints/main-consumer.ts: kafkajs eachBatch → RecordIssuedCoupons → one multi-row
 * INSERT … ON DUPLICATE KEY UPDATE per batch, offsets committed after) drains it into MariaDB.
 *
 *   eval "$(bash scripts/services.sh env)"
 *   npx tsx bench/scaling/consumer-partition.ts [--events 100000] [--partitions 1]
 *
 * Timed from the first row's insert (persisted_at, the database's clock) to the last row, so
 * process start and group join are excluded. Everything it creates (a campaign, its coupons, a
 * topic and its consumer group) has fresh ids; rows and topic are deleted at the end.
 */
import { execFileSync } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import mysql from 'mysql2/promise';
import {
  createCouponProducer,
  createKafka,
  ensureTopic,
} from '../../src/adapters/kafka/kafka-client.ts';
import { KafkaCouponPublisher } from '../../src/adapters/kafka/kafka-coupon-publisher.ts';
import type { Coupon } from '../../src/domain/coupon.ts';
import type { CampaignId, UserId } from '../../src/domain/ids.ts';
import { startEntrypoint } from '../../scripts/lib/embedded-process.ts';
import { EventSigner } from '../../src/adapters/kafka/event-signature.ts';
import { BENCH_SIGNING_ENV, BENCH_SIGNING_KEY } from '../signing-key.ts';

const { values: args } = parseArgs({
  options: {
    events: { type: 'string', default: '100000' },
    partitions: { type: 'string', default: '1' },
    json: { type: 'boolean', default: false },
  },
});
const events = Number(args.events);
const partitions = Number(args.partitions);
const PUBLISH_BATCH = 5000;
const STALL_MS = 30_000;

const TICKS = Number(execFileSync('getconf', ['CLK_TCK']).toString().trim()) || 100;
const cpuSeconds = (pid: number) => {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return (Number(fields[11]) + Number(fields[12])) / TICKS;
  } catch {
    return 0;
  }
};
const pidOf = (pattern: RegExp) => {
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      if (pattern.test(readFileSync(`/proc/${entry}/cmdline`, 'utf8').replaceAll('\0', ' ')))
        return Number(entry);
    } catch {
      // gone
    }
  }
  return 0;
};

async function main(): Promise<void> {
  const runId = randomUUID().slice(0, 8);
  const campaignId = `scaling-persist-${runId}` as CampaignId;
  const topic = `scaling-persist-${runId}`;
  const brokers = required('KAFKA_BROKERS');
  const databaseUrl = required('DATABASE_URL');
  const db = mysql.createPool({ uri: databaseUrl, connectionLimit: 2 });
  await db.execute(
    'insert into campaign (id, name, total_quantity, per_user_limit) values (?, ?, ?, 1)',
    [campaignId, 'scaling persist', events],
  );
  try {
    const kafka = createKafka({ brokers: brokers.split(','), clientId: 'scaling-prefill' });
    await ensureTopic(kafka, topic, partitions, 1);
    const producer = createCouponProducer(kafka);
    const publisher = new KafkaCouponPublisher(producer, topic, new EventSigner(BENCH_SIGNING_KEY));
    const issuedAt = new Date();
    const prefillStarted = performance.now();
    for (let from = 0; from < events; from += PUBLISH_BATCH) {
      const batch: Coupon[] = [];
      for (let i = from; i < Math.min(events, from + PUBLISH_BATCH); i++) {
        batch.push({ campaignId, userId: `p${i}` as UserId, sequence: i + 1, issuedAt });
      }
      await publisher.publish(batch);
    }
    const publishPerSecond = Math.round(events / ((performance.now() - prefillStarted) / 1000));
    await producer.disconnect();

    const mariadb = pidOf(/^\S*mariadbd\b/);
    const consumer = await startEntrypoint(
      'src/bootstrap/entrypoints/main-consumer.ts',
      {
        KAFKA_BROKERS: brokers,
        ...BENCH_SIGNING_ENV,
        DATABASE_URL: databaseUrl,
        KAFKA_TOPIC: topic,
        KAFKA_TOPIC_PARTITIONS: String(partitions),
        KAFKA_CONSUMER_GROUP: `${topic}-group`,
        // One consumer process, each partition consumed concurrently (as in production).
        CONSUMER_CONCURRENCY: String(partitions),
        LOG_LEVEL: 'warn',
      },
      { log: (line) => process.stderr.write(`[consumer] ${line}`) },
    );
    const pid = consumer.child.pid ?? 0;
    try {
      const count = async () => {
        const [rows] = await db.query('select count(*) as n from coupon where campaign_id = ?', [
          campaignId,
        ]);
        return Number((rows as { n: number }[])[0]?.n ?? 0);
      };
      let first: { consumer: number; mariadb: number } | undefined;
      let last = { at: performance.now(), rows: 0 };
      for (;;) {
        const rows = await count();
        if (rows > 0 && !first) first = { consumer: cpuSeconds(pid), mariadb: cpuSeconds(mariadb) };
        if (rows >= events) break;
        if (rows > last.rows) last = { at: performance.now(), rows };
        else if (performance.now() - last.at > STALL_MS) throw new Error(`stalled at ${rows}`);
        await new Promise((resolve) => setTimeout(resolve, 20));
      }
      const end = { consumer: cpuSeconds(pid), mariadb: cpuSeconds(mariadb) };
      const [timing] = await db.query(
        'select timestampdiff(microsecond, min(persisted_at), max(persisted_at)) / 1e6 as s from coupon where campaign_id = ?',
        [campaignId],
      );
      const persistSeconds = Math.max(Number((timing as { s: number }[])[0]?.s ?? 0), 0.001);
      const result = {
        events,
        partitions,
        publishPerSecond,
        persistSeconds: Math.round(persistSeconds * 100) / 100,
        rowsPerSecond: Math.round(events / persistSeconds),
        cpuPercent: {
          consumer: Math.round(((end.consumer - (first?.consumer ?? 0)) / persistSeconds) * 100),
          mariadb: Math.round(((end.mariadb - (first?.mariadb ?? 0)) / persistSeconds) * 100),
        },
      };
      process.stdout.write(`${JSON.stringify(result, null, args.json ? 0 : 2)}\n`);
    } finally {
      await consumer.stop();
    }
  } finally {
    await db.execute('delete from coupon where campaign_id = ?', [campaignId]);
    await db.execute('delete from campaign where id = ?', [campaignId]);
    await db.end();
    const admin = createKafka({ brokers: brokers.split(','), clientId: 'scaling-cleanup' }).admin();
    await admin.connect();
    await admin.deleteTopics({ topics: [topic] }).finally(() => admin.disconnect());
  }
}

function required(name: string): string {
  const value = process.env[name];
  if (!value) throw new Error(`${name} is not set: eval "$(bash scripts/services.sh env)"`);
  return value;
}

await main();
