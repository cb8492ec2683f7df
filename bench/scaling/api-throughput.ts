/**
 * API requests per second of ONE api process (src/bootstrap/entrypoints/main-api.ts: HTTP + relay, real
 * Redis, Kafka and MariaDB), driven by autocannon from this process for a few seconds.
 *
 *   eval "$(bash scripts/services.sh env)"
 *   npx tsx bench/scaling/api-throughput.ts [--seconds 10] [--connections 100]
 *
 * Two workloads, each on its own campaign:
 * - stampede: 1000 coupons, users rotating over a pool of 50,000: after the first second nearly
 *   every answer is 410 SOLD_OUT (what a drop looks like from the API's side);
 * - all grants: 10,000,000 coupons and a new user per request: every answer is a 201, and the
 *   relay publishes every grant to Kafka from the same process.
 *
 * Isolation from whatever else runs on the shared services: Redis logical db 11 (the tests use
 * db 0, bench/run.ts db 13), a topic of its own (nobody consumes it), campaigns with fresh ids.
 * At the end it deletes the keys it wrote in db 11, its campaigns and its topic.
 */
import { fetchFrom, openCampaign } from '../../scripts/lib/open-campaign.ts';
import { execFileSync } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import autocannon from 'autocannon';
import { Redis } from 'ioredis';
import mysql from 'mysql2/promise';
import { createKafka } from '../../src/adapters/kafka/kafka-client.ts';
import { startEntrypoint } from '../../scripts/lib/embedded-process.ts';
import { BENCH_SIGNING_ENV } from '../signing-key.ts';

const { values: args } = parseArgs({
  options: {
    seconds: { type: 'string', default: '10' },
    connections: { type: 'string', default: '100' },
    json: { type: 'boolean', default: false },
  },
});
const seconds = Number(args.seconds);
const connections = Number(args.connections);
const REDIS_DB = 11;
const ADMIN_TOKEN = `scaling-${randomUUID()}`;

const TICKS = Number(execFileSync('getconf', ['CLK_TCK']).toString().trim()) || 100;
const cpuSeconds = (pid: number) => {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return (Number(fields[11]) + Number(fields[12])) / TICKS;
};

async function main(): Promise<void> {
  const redisUrl = Object.assign(new URL(required('REDIS_URL')), {
    pathname: `/${REDIS_DB}`,
  }).toString();
  const runId = randomUUID().slice(0, 8);
  const api = await startEntrypoint(
    'src/bootstrap/entrypoints/main-api.ts',
    {
      REDIS_URL: redisUrl,
      KAFKA_BROKERS: required('KAFKA_BROKERS'),
      ...BENCH_SIGNING_ENV,
      DATABASE_URL: required('DATABASE_URL'),
      KAFKA_TOPIC: `scaling-${runId}`,
      KAFKA_TOPIC_PARTITIONS: '3',
      ADMIN_TOKEN,
      AUTH_MODE: 'body',
      LOG_LEVEL: 'warn',
    },
    { readyPath: '/health/ready', log: (line) => process.stderr.write(line) },
  );
  const probe = new Redis(redisUrl);
  const redisPid = Number(/process_id:(\d+)/.exec(await probe.info('server'))?.[1]);
  probe.disconnect();
  try {
    const results = [];
    {
      // The floor of the HTTP stack in this process: a route that does nothing.
      await load(api.url, '', fresh(), 2, connections, '/health/live');
      const pid = api.child.pid ?? 0;
      const before = cpuSeconds(pid);
      const run = await load(api.url, '', fresh(), seconds, connections, '/health/live');
      results.push({
        workload: 'GET /health/live (HTTP floor)',
        ...run,
        cpuPercent: { api: Math.round(((cpuSeconds(pid) - before) / run.seconds) * 100) },
      });
    }
    for (const workload of [
      { name: 'stampede (mostly 410)', quantity: 1000, users: rotating(50_000) },
      { name: 'all grants (201 + relay)', quantity: 10_000_000, users: fresh() },
    ]) {
      const campaignId = `scaling-${runId}-${results.length}`;
      const created = await openCampaign(fetchFrom(api.url), ADMIN_TOKEN, {
        id: campaignId,
        name: workload.name,
        totalQuantity: workload.quantity,
      });
      if (created.status !== 200) throw new Error(`open campaign: ${created.status}`);
      // Warm-up: JIT, connection pools, the scripts.
      await load(api.url, campaignId, workload.users, 2, connections);
      const pid = api.child.pid ?? 0;
      const before = {
        api: cpuSeconds(pid),
        redis: cpuSeconds(redisPid),
        self: process.cpuUsage(),
      };
      const run = await load(api.url, campaignId, workload.users, seconds, connections);
      const self = process.cpuUsage(before.self);
      results.push({
        workload: workload.name,
        ...run,
        cpuPercent: {
          api: Math.round(((cpuSeconds(pid) - before.api) / run.seconds) * 100),
          redis: Math.round(((cpuSeconds(redisPid) - before.redis) / run.seconds) * 100),
          loadgen: Math.round(((self.user + self.system) / 1e6 / run.seconds) * 100),
        },
      });
    }
    const output = { connections, seconds, results };
    process.stdout.write(`${JSON.stringify(output, null, args.json ? 0 : 2)}\n`);
  } finally {
    await api.stop();
    await forgetDb(redisUrl);
    await forgetRun(runId);
  }
}

/** The run's campaigns (no coupon rows: nobody consumes its topic) and its topic. */
async function forgetRun(runId: string): Promise<void> {
  const db = mysql.createPool({ uri: required('DATABASE_URL'), connectionLimit: 1 });
  try {
    await db.execute('delete from coupon where campaign_id like ?', [`scaling-${runId}-%`]);
    await db.execute('delete from campaign where id like ?', [`scaling-${runId}-%`]);
  } finally {
    await db.end();
  }
  const admin = createKafka({
    brokers: required('KAFKA_BROKERS').split(','),
    clientId: 'scaling-cleanup',
  }).admin();
  await admin.connect();
  try {
    await admin.deleteTopics({ topics: [`scaling-${runId}`] });
  } finally {
    await admin.disconnect();
  }
}

async function load(
  url: string,
  campaignId: string,
  users: () => string,
  duration: number,
  connections: number,
  getPath?: string,
) {
  const startedAt = performance.now();
  const result = await autocannon({
    url,
    connections,
    duration,
    requests: [
      getPath
        ? { method: 'GET', path: getPath }
        : {
            method: 'POST',
            path: `/campaigns/${campaignId}/issuances`,
            headers: { 'content-type': 'application/json' },
            setupRequest: (request) => ({ ...request, body: `{"userId":"${users()}"}` }),
          },
    ],
  });
  const elapsed = (performance.now() - startedAt) / 1000;
  const statusCodes: Record<string, number> = {};
  for (const [code, stats] of Object.entries(result.statusCodeStats ?? {})) {
    statusCodes[code] = stats.count ?? 0;
  }
  const requests = Object.values(statusCodes).reduce((sum, n) => sum + n, 0);
  return {
    seconds: Math.round(elapsed * 100) / 100,
    requests,
    requestsPerSecond: Math.round(requests / elapsed),
    latencyMs: { p50: result.latency.p50, p99: result.latency.p99, max: result.latency.max },
    statusCodes,
    errors: result.errors + result.timeouts,
  };
}

function rotating(pool: number): () => string {
  let next = 0;
  return () => `u${next++ % pool}`;
}

function fresh(): () => string {
  let next = 0;
  const prefix = randomUUID().slice(0, 6);
  return () => `f${prefix}-${next++}`;
}

/** Deletes the keys the api wrote in this run's db (db 11 belongs to this script). */
async function forgetDb(redisUrl: string): Promise<void> {
  const redis = new Redis(redisUrl);
  try {
    let cursor = '0';
    do {
      const [next, keys] = await redis.scan(cursor, 'MATCH', 'coupon:*', 'COUNT', 1000);
      if (keys.length > 0) await redis.unlink(...keys);
      cursor = next;
    } while (cursor !== '0');
  } finally {
    redis.disconnect();
  }
}

function required(name: string): string {
  const value = process.env[name];
  if (!value) throw new Error(`${name} is not set: eval "$(bash scripts/services.sh env)"`);
  return value;
}

await main();
