import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Redis } from 'ioredis';
import { freePort } from '../scripts/lib/embedded-process.ts';
import { DEFAULT_KEY_PREFIX } from '../src/adapters/redis/redis-keys.ts';

/**
 * How durable a grant is when its 201 leaves (issue 12), cheapest first:
 * - `everysec`: the ledger's Redis fsyncs its AOF once a second (a machine crash may lose ~1 s);
 * - `always`: fsync before every reply (the default of scripts/services.sh);
 * - `replica`: the Sentinel set of scripts/services.sh, each grant WAITed for by one replica
 *   (LEDGER_MIN_REPLICAS=1) on top of the master's own fsync.
 */
export type DurabilityLevel = 'everysec' | 'always' | 'replica';
export const DURABILITY_LEVELS: readonly DurabilityLevel[] = ['everysec', 'always', 'replica'];

/** A Redis the service's processes use as their ledger for one measurement. */
export interface LedgerTarget {
  /** One line for the report: which server, how durable. */
  readonly description: string;
  /** REDIS_URL / REDIS_SENTINELS… for the API and the consumer (the unused ways set to ''). */
  readonly env: Record<string, string>;
  /** The harness' own client of the same data (tallies, counters). */
  readonly redis: Redis;
  /** The data server's pid (its CPU is reported as `redis`). */
  readonly pid: number;
  /** A warning when the data server is not the one measured at the start (restarted, failed over). */
  changed(): Promise<string | undefined>;
  /** Stops what the bench started; on a shared server, deletes this run's keys. */
  close(): Promise<void>;
}

const running = new Set<ChildProcess>();
// The harness may die without its finally blocks: its Redis servers must not outlive it.
process.once('exit', () => {
  for (const child of running) child.kill('SIGKILL');
});

/** Stops every Redis server the bench started that is still running (the harness was interrupted). */
export async function stopAllRedisServers(): Promise<void> {
  await Promise.all([...running].map((child) => stopChild(child)));
}

async function stopChild(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  child.kill('SIGTERM');
  const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
  await exited;
  clearTimeout(timer);
}

async function serverInfo(redis: Redis): Promise<{ pid: number; runId: string }> {
  const info = String(await redis.call('INFO', 'server'));
  return {
    pid: Number(/process_id:(\d+)/.exec(info)?.[1] ?? 0),
    runId: /run_id:(\w+)/.exec(info)?.[1] ?? '',
  };
}

/** The level's ledger: a bench-owned redis-server (started here), or the shared Sentinel set. */
export function startLedger(level: DurabilityLevel, runId: string): Promise<LedgerTarget> {
  return level === 'replica' ? sentinelLedger(runId) : benchRedisServer(level);
}

/**
 * A redis-server of the bench's own on a free loopback port, AOF on (`--appendonly yes`, no RDB
 * snapshots: `--save ''`), its files in a fresh folder under the OS temp folder (the same disk
 * as scripts/services.sh's data here), all removed again by `close`. Nothing else uses it, so its
 * counters are the service's alone.
 */
export async function benchRedisServer(appendfsync: 'everysec' | 'always'): Promise<LedgerTarget> {
  const port = await freePort();
  const dir = mkdtempSync(join(tmpdir(), `bench-redis-${appendfsync}-`));
  const child = spawn(
    'redis-server',
    [
      '--port',
      String(port),
      '--bind',
      '127.0.0.1',
      '--save',
      '',
      '--appendonly',
      'yes',
      '--appendfsync',
      appendfsync,
      '--dir',
      dir,
      '--daemonize',
      'no',
    ],
    { stdio: ['ignore', 'pipe', 'pipe'] },
  );
  running.add(child);
  child.once('exit', () => running.delete(child));
  const output: string[] = [];
  const keep = (chunk: Buffer) => output.push(chunk.toString());
  child.stdout?.on('data', keep);
  child.stderr?.on('data', keep);
  const url = `redis://127.0.0.1:${port}`;
  const redis = new Redis(url, { lazyConnect: true, retryStrategy: () => 50 });
  redis.on('error', () => undefined); // refused until it listens: retried below
  const remove = async () => {
    redis.disconnect();
    await stopChild(child);
    rmSync(dir, { recursive: true, force: true });
  };
  try {
    await readyWithin(redis, child, 10_000);
  } catch (error) {
    await remove();
    throw new Error(`bench redis-server (${appendfsync}) did not start\n${output.join('')}`, {
      cause: error,
    });
  }
  const pid = child.pid ?? 0;
  return {
    description: `bench-owned redis-server :${port}, \`appendfsync ${appendfsync}\``,
    env: { REDIS_URL: url, REDIS_SENTINELS: '', REDIS_CLUSTER_NODES: '', LEDGER_MIN_REPLICAS: '0' },
    redis,
    pid,
    changed: async () =>
      child.exitCode === null && child.signalCode === null
        ? undefined
        : `the bench's redis-server (${appendfsync}) exited during the measurement`,
    close: remove,
  };
}

async function readyWithin(redis: Redis, child: ChildProcess, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`exited with ${child.exitCode}`);
    try {
      if (redis.status === 'wait') await redis.connect();
      if ((await redis.ping()) === 'PONG') return;
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline) throw new Error(`no PONG within ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

/**
 * The Sentinel set of scripts/services.sh (TEST_REDIS_SENTINELS, TEST_REDIS_SENTINEL_NAME): a
 * master and a replica, AOF fsynced as services.sh configures it (always by default), and every
 * grant WAITed for by one replica. It is shared (database 0; the fault tests use it too), so
 * `close` deletes this run's campaigns (their ids end with the run id), and a master that changed
 * meanwhile (a failover test) marks the run as disturbed.
 */
async function sentinelLedger(runId: string): Promise<LedgerTarget> {
  const sentinels = process.env['TEST_REDIS_SENTINELS']?.trim();
  const name = process.env['TEST_REDIS_SENTINEL_NAME']?.trim() || 'coupon-ledger';
  if (!sentinels) {
    throw new Error(
      'the replica durability level needs TEST_REDIS_SENTINELS (eval "$(bash scripts/services.sh env)")',
    );
  }
  const redis = new Redis({
    sentinels: sentinels.split(',').map((address) => {
      const [host = '127.0.0.1', port = '26379'] = address.split(':');
      return { host, port: Number(port) };
    }),
    name,
    role: 'master',
    lazyConnect: true,
  });
  redis.on('error', () => undefined);
  await redis.connect();
  const atStart = await serverInfo(redis);
  const replicas = Number(
    /connected_slaves:(\d+)/.exec(String(await redis.call('INFO', 'replication')))?.[1] ?? 0,
  );
  if (replicas < 1) {
    redis.disconnect();
    throw new Error(
      `the Sentinel master ${name} has no connected replica: the replica level needs one`,
    );
  }
  const fsync = await redis.config('GET', 'appendfsync');
  return {
    description: `Sentinel set of scripts/services.sh (master ${name}, \`appendfsync ${fsync[1] ?? '?'}\`), LEDGER_MIN_REPLICAS=1`,
    env: {
      REDIS_URL: '',
      REDIS_CLUSTER_NODES: '',
      REDIS_SENTINELS: sentinels,
      REDIS_SENTINEL_NAME: name,
      LEDGER_MIN_REPLICAS: '1',
    },
    redis,
    pid: atStart.pid,
    changed: async () => {
      const now = await serverInfo(redis).catch(() => undefined);
      return now?.runId === atStart.runId
        ? undefined
        : 'the Sentinel master changed (restart or failover) during the measurement';
    },
    close: async () => {
      await deleteRunKeys(redis, runId).catch(() => undefined);
      redis.disconnect();
    },
  };
}

/** Every key of the campaigns whose id ends with `-<runId>`, and their registry entries. */
async function deleteRunKeys(redis: Redis, runId: string): Promise<void> {
  const registry = `${DEFAULT_KEY_PREFIX}campaigns`;
  const mine = (await redis.smembers(registry)).filter((id) => id.endsWith(`-${runId}`));
  if (mine.length > 0) await redis.srem(registry, ...mine);
  let cursor = '0';
  do {
    const [next, keys] = await redis.scan(
      cursor,
      'MATCH',
      `${DEFAULT_KEY_PREFIX}{*-${runId}}:*`,
      'COUNT',
      1000,
    );
    cursor = next;
    if (keys.length > 0) await redis.unlink(...keys);
  } while (cursor !== '0');
}
