import { Kafka, logLevel } from 'kafkajs';
import { Redis } from 'ioredis';
import { createConnection, createPool, type Pool, type RowDataPacket } from 'mysql2/promise';
import { createOrm } from '../src/adapters/mikro-orm/mikro-orm-config.ts';
import { runMigrations } from '../src/adapters/mikro-orm/run-migrations.ts';
import { BENCH_DDL } from './bench-schema.ts';

/** Where the bench writes: its own MySQL database and Redis db, topics prefixed `bench-`. */
export interface BenchEnvironment {
  readonly runId: string;
  readonly redisUrl: string;
  readonly databaseUrl: string;
  readonly kafkaBrokers: string;
  readonly mysql: Pool;
  readonly redis: Redis;
  readonly kafka: Kafka;
  /** A topic name of this run; created topics are deleted by `close`. */
  topic(name: string): string;
  close(): Promise<void>;
}

/** The loopback services of scripts/services.sh, unless the environment names others. */
const DEFAULTS = {
  REDIS_URL: 'redis://127.0.0.1:6379',
  KAFKA_BROKERS: '127.0.0.1:9092',
  DATABASE_URL: 'mysql://coupon:coupon@127.0.0.1:3306/coupon',
};
const setting = (name: keyof typeof DEFAULTS) => process.env[name]?.trim() || DEFAULTS[name];

/**
 * Fresh state for one run on the real services, isolated from whatever else uses them (tests
 * run concurrently on the same Redis, MariaDB and Kafka):
 * - MySQL: database `<name>_bench` dropped and re-created, the service's committed migrations
 *   applied, then the bench's own tables;
 * - Redis: logical database `redisDb` (never 0, where the tests and the demo live) flushed;
 * - Kafka: topics named `bench-<runId>-…`, deleted again at the end.
 */
export async function prepareEnvironment(
  runId: string,
  redisDb: number,
): Promise<BenchEnvironment> {
  if (redisDb === 0) throw new Error('the bench flushes its Redis db: pick one other than 0');
  const { databaseUrl, mysql } = await freshDatabase('bench');
  for (const ddl of BENCH_DDL) await mysql.query(ddl);

  const redisUrl = Object.assign(new URL(setting('REDIS_URL')), {
    pathname: `/${redisDb}`,
  }).toString();
  const redis = new Redis(redisUrl);
  redis.on('error', () => undefined); // commands fail on their own; no log line per reconnect
  await redis.flushdb();

  const kafkaBrokers = setting('KAFKA_BROKERS');
  const kafka = new Kafka({
    clientId: 'bench',
    brokers: kafkaBrokers.split(','),
    logLevel: logLevel.WARN,
  });
  const topics: string[] = [];
  return {
    runId,
    redisUrl,
    databaseUrl,
    kafkaBrokers,
    mysql,
    redis,
    kafka,
    topic(name) {
      const topic = `bench-${runId}-${name}`;
      topics.push(topic);
      return topic;
    },
    async close() {
      const kafkaAdmin = kafka.admin();
      await kafkaAdmin.connect();
      const existing = new Set(await kafkaAdmin.listTopics());
      await kafkaAdmin
        .deleteTopics({ topics: topics.filter((t) => existing.has(t)) })
        .catch(() => undefined);
      await kafkaAdmin.disconnect();
      await redis.flushdb();
      redis.disconnect();
      await mysql.end();
    },
  };
}

/**
 * Database `<name>_<suffix>` dropped and re-created with the service's committed migrations: a
 * catalog that holds only what the caller puts in it.
 */
export async function freshDatabase(
  suffix: string,
): Promise<{ readonly databaseUrl: string; readonly mysql: Pool }> {
  const baseDatabase = new URL(setting('DATABASE_URL'));
  const database = `${baseDatabase.pathname.slice(1) || 'coupon'}_${suffix}`;
  const databaseUrl = Object.assign(new URL(baseDatabase), { pathname: `/${database}` }).toString();
  const admin = await createConnection({ uri: baseDatabase.toString() });
  await admin.query(`drop database if exists \`${database}\``);
  await admin.query(`create database \`${database}\``);
  await admin.end();
  const orm = await createOrm(databaseUrl, { poolMin: 0, poolMax: 2 });
  await runMigrations(orm);
  await orm.close();
  return { databaseUrl, mysql: createPool({ uri: databaseUrl, connectionLimit: 4 }) };
}

/** One number from a `select … as n` query. */
export async function scalar(mysql: Pool, sql: string, params: unknown[] = []): Promise<number> {
  const [rows] = await mysql.query<RowDataPacket[]>(sql, params);
  return Number(rows[0]?.['n'] ?? 0);
}

/** Rows of one campaign in a coupon table, and users holding more than one of them. */
export async function couponRows(
  mysql: Pool,
  table: string,
  campaignId: string,
): Promise<{ rows: number; duplicates: number }> {
  const rows = await scalar(mysql, `select count(*) as n from \`${table}\` where campaign_id = ?`, [
    campaignId,
  ]);
  const duplicates = await scalar(
    mysql,
    `select count(*) as n from (select user_id from \`${table}\` where campaign_id = ?
       group by user_id having count(*) > 1) d`,
    [campaignId],
  );
  return { rows, duplicates };
}

/** Polls until the campaign has `expected` rows in `table`; ms waited, or undefined on timeout. */
export async function waitForRows(
  mysql: Pool,
  table: string,
  campaignId: string,
  expected: number,
  timeoutMs: number,
): Promise<number | undefined> {
  const started = performance.now();
  for (;;) {
    const rows = await scalar(
      mysql,
      `select count(*) as n from \`${table}\` where campaign_id = ?`,
      [campaignId],
    );
    const waited = performance.now() - started;
    if (rows >= expected) return Math.round(waited);
    if (waited > timeoutMs) return undefined;
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}
