/**
 * Redis decisions per second: drives the ledger's reserve script (through the real adapter: one
 * EVALSHA per application, ioredis auto-pipelining, thousands in flight) for a few seconds and
 * reports what Redis did and what it cost it.
 *
 *   eval "$(bash scripts/services.sh env)"
 *   npx tsx bench/scaling/redis-decisions.ts --target single            # one Redis, one campaign
 *   npx tsx bench/scaling/redis-decisions.ts --target cluster           # cluster, one campaign (one master)
 *   npx tsx bench/scaling/redis-decisions.ts --target cluster --shards 3  # sharded-stock mode
 *
 * Every decision is a GRANT (the campaign's total is far above what a run can issue, every user
 * is new): the expensive path (HEXISTS, INCR, HSET, XADD). `--path sold-out` measures the cheap
 * path instead (a sold-out campaign: one HMGET, one HEXISTS, one GET).
 *
 * Besides the rate it reads each Redis server's CPU time (/proc/<pid>/stat) and its own
 * accounting (INFO commandstats, diffed, never reset: other users share these servers), so the
 * figure that matters, "decisions per second per fully busy Redis core", does not depend on
 * whether this client or the server was the bottleneck on a small machine.
 */
import { readFileSync } from 'node:fs';
import { randomUUID } from 'node:crypto';
import { execFileSync } from 'node:child_process';
import { parseArgs } from 'node:util';
import { Cluster, type Redis } from 'ioredis';
import type { IssuanceLedger } from '../../src/application/ports/issuance-ledger.port.ts';
import {
  connectRedis,
  createRedisClient,
  createRedisCluster,
  type RedisConnection,
} from '../../src/adapters/redis/redis-client.ts';
import { RedisIssuanceLedger } from '../../src/adapters/redis/redis-issuance-ledger.ts';
import { parseLedgerTag } from '../../src/adapters/redis/redis-keys.ts';
import { ShardedKeys } from '../../src/adapters/redis/sharded/sharded-layout.ts';
import type { CampaignId, UserId } from '../../src/domain/ids.ts';

const { values: args } = parseArgs({
  options: {
    target: { type: 'string', default: 'single' },
    shards: { type: 'string', default: '1' },
    seconds: { type: 'string', default: '5' },
    concurrency: { type: 'string', default: '2000' },
    path: { type: 'string', default: 'grant' },
    json: { type: 'boolean', default: false },
  },
});
const target = args.target === 'cluster' ? 'cluster' : 'single';
const shards = Number(args.shards);
const seconds = Number(args.seconds);
const concurrency = Number(args.concurrency);
const path = args.path === 'sold-out' ? 'sold-out' : 'grant';

const TICKS = Number(execFileSync('getconf', ['CLK_TCK']).toString().trim()) || 100;
const cpuSeconds = (pid: number) => {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return (Number(fields[11]) + Number(fields[12])) / TICKS;
};

/** The servers that hold the data: one Redis, or every master of the cluster. */
function serversOf(redis: RedisConnection): Redis[] {
  return redis instanceof Cluster ? redis.nodes('master') : [redis];
}

async function serverStats(server: Redis) {
  const info = `${await server.info('server')}\n${await server.info('commandstats')}`;
  const field = (name: string) => new RegExp(`^${name}:(.*)$`, 'm').exec(info)?.[1]?.trim();
  const port = Number(field('tcp_port'));
  const pid = Number(field('process_id'));
  let calls = 0;
  let usec = 0;
  for (const match of info.matchAll(/^cmdstat_(evalsha|eval):calls=(\d+),usec=(\d+)/gm)) {
    calls += Number(match[2]);
    usec += Number(match[3]);
  }
  return { port, pid, calls, usec, cpu: cpuSeconds(pid) };
}

async function main(): Promise<void> {
  const redis: RedisConnection =
    target === 'cluster'
      ? createRedisCluster(required('TEST_REDIS_CLUSTER_NODES'), { commandTimeoutMs: 10_000 })
      : createRedisClient(required('REDIS_URL'), { commandTimeoutMs: 10_000 });
  await connectRedis(redis);
  const keys = new ShardedKeys(`scaling-${randomUUID().slice(0, 8)}:`);
  const ledger: IssuanceLedger = new RedisIssuanceLedger(redis, { shards, keyPrefix: keys.prefix });
  const campaignId = `scaling-${randomUUID().slice(0, 8)}` as CampaignId;
  const now = new Date();
  try {
    await ledger.define({
      id: campaignId,
      name: 'scaling',
      // grant: never sold out during a run; sold-out: one coupon, taken before the run.
      totalQuantity: path === 'grant' ? 100_000_000 : 1,
      perUserLimit: 1,
    });
    if (path === 'sold-out') {
      await ledger.reserve(campaignId, 'winner' as UserId, now);
      // Let one loser discover the sold-out (and mark it, in sharded mode) before measuring.
      await ledger.reserve(campaignId, 'loser' as UserId, now);
    }
    // Warm up the scripts and the connections.
    await Promise.all(
      Array.from({ length: 200 }, (_, i) => ledger.reserve(campaignId, `w${i}` as UserId, now)),
    );

    const servers = serversOf(redis);
    const before = await Promise.all(servers.map(serverStats));
    const clientBefore = process.cpuUsage();
    const startedAt = performance.now();
    const deadline = startedAt + seconds * 1000;
    let decisions = 0;
    let failures = 0;
    const kinds: Record<string, number> = {};
    const worker = async (id: number) => {
      for (let i = 0; performance.now() < deadline; i++) {
        try {
          const reservation = await ledger.reserve(campaignId, `u${id}-${i}` as UserId, now);
          kinds[reservation.kind] = (kinds[reservation.kind] ?? 0) + 1;
          decisions++;
        } catch {
          failures++;
        }
      }
    };
    await Promise.all(Array.from({ length: concurrency }, (_, id) => worker(id)));
    const elapsed = (performance.now() - startedAt) / 1000;
    const clientCpu = process.cpuUsage(clientBefore);
    const after = await Promise.all(servers.map(serverStats));

    const perServer = after.map((end, i) => {
      const start = before[i]!;
      const cpu = end.cpu - start.cpu;
      const calls = end.calls - start.calls;
      return {
        port: end.port,
        scriptCalls: calls,
        cpuPercent: Math.round((cpu / elapsed) * 100),
        /** Redis' own time inside the scripts, per call. */
        usecPerScript: calls > 0 ? round((end.usec - start.usec) / calls, 2) : 0,
        /** Whole-process CPU (I/O, parsing, scripts) per call: the real cost. */
        usecCpuPerScript: calls > 0 ? round((cpu * 1e6) / calls, 2) : 0,
      };
    });
    const busiest = perServer.reduce((a, b) => (b.cpuPercent > a.cpuPercent ? b : a));
    const result = {
      target,
      shards,
      path,
      concurrency,
      seconds: round(elapsed, 2),
      decisions,
      failures,
      kinds,
      decisionsPerSecond: Math.round(decisions / elapsed),
      clientCpuPercent: Math.round(((clientCpu.user + clientCpu.system) / 1e6 / elapsed) * 100),
      servers: perServer,
      /** What one fully busy Redis core would decide at this cost per script call. */
      decisionsPerSecondPerBusyCore:
        busiest.usecCpuPerScript > 0 ? Math.round(1e6 / busiest.usecCpuPerScript) : 0,
    };
    if (args.json) process.stdout.write(`${JSON.stringify(result)}\n`);
    else process.stdout.write(`${JSON.stringify(result, null, 2)}\n`);
  } finally {
    await forget(redis, keys, campaignId);
    await redis.quit().catch(() => redis.disconnect());
  }
}

/** Deletes everything the run wrote (never a flush: other suites share these servers). */
async function forget(redis: RedisConnection, keys: ShardedKeys, campaignId: CampaignId) {
  const members = await redis.smembers(keys.campaigns);
  for (const { tag } of members.flatMap((member) => parseLedgerTag(member) ?? [])) {
    await redis.unlink(
      keys.campaign(tag),
      keys.users(tag),
      keys.count(tag),
      keys.outbox(tag),
      keys.deadLetters(tag),
    );
    await redis.unlink(`${keys.prefix}{${tag}}:transfers`);
  }
  await redis.unlink(keys.shardCount(campaignId));
  await redis.unlink(keys.campaigns);
}

function required(name: string): string {
  const value = process.env[name];
  if (!value) throw new Error(`${name} is not set: eval "$(bash scripts/services.sh env)"`);
  return value;
}

const round = (value: number, digits: number) => Math.round(value * 10 ** digits) / 10 ** digits;

await main();
