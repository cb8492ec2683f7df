/**
 * tsx bench/audit-cost.ts [coupons=1000000]
 *
 * What the persistence audit (issue 22) costs per cycle on a settled, fully persisted campaign:
 * a campaign of `coupons` grants seeded directly (rows inserted in MySQL in one statement, the
 * ledger rebuilt from them as `rebuild-ledger` does), then audit cycles measured one by one:
 * - Redis commands: the delta of `total_commands_processed` on a Redis of the script's own
 *   (nothing else talks to it; the two INFO calls of a measurement are subtracted);
 * - MySQL statements: the calls the audit makes through its two MySQL-facing ports (the catalog
 *   and the record), each one statement in the MikroORM adapters.
 * The catalog is narrowed to this campaign: another campaign costs its own snapshot (one
 * EVALSHA) and its share of the one grouped row count. Needs DATABASE_URL (MariaDB: it uses the
 * Sequence engine) and redis-server on PATH. The rows are deleted at the end.
 */
import '../src/bootstrap/entrypoints/require-node.ts';
import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { Redis } from 'ioredis';
import mysql from 'mysql2/promise';
import { freePort } from '../scripts/lib/embedded-process.ts';
import { openCampaign } from '../scripts/lib/open-campaign.ts';
import { createPinoLogger } from '../src/adapters/logging/pino-logger.ts';
import { loadConfig } from '../src/bootstrap/config.ts';
import { buildHttpApp } from '../src/bootstrap/runtime/http.ts';
import { composeAudit } from '../src/bootstrap/wiring/audit.ts';
import { createRuntime } from '../src/bootstrap/wiring/container.ts';
import { RedisKeys } from '../src/adapters/redis/redis-keys.ts';
import type { CampaignId } from '../src/domain/ids.ts';

const run = promisify(execFile);
const COUPONS = Number(process.argv[2] ?? 1_000_000);
const CYCLES = 4;
const databaseUrl = process.env['DATABASE_URL'];
if (!databaseUrl) throw new Error('set DATABASE_URL (MariaDB)');

/** A Redis of this script's own: its command counter counts the audit and nothing else. */
async function ownRedis(): Promise<{ url: string; stop: () => Promise<void> }> {
  const port = await freePort();
  const dir = await mkdtemp(join(tmpdir(), 'audit-cost-redis-'));
  // prettier-ignore
  await run('redis-server', [
    '--port', String(port), '--bind', '127.0.0.1', '--daemonize', 'yes', '--dir', dir,
    '--pidfile', join(dir, 'redis.pid'), '--save', '', '--appendonly', 'no',
  ]);
  const url = `redis://127.0.0.1:${port}`;
  const probe = new Redis(url, { retryStrategy: () => 100 });
  await probe.ping();
  probe.disconnect();
  return {
    url,
    stop: async () => {
      process.kill(Number((await readFile(join(dir, 'redis.pid'), 'utf8')).trim()), 'SIGTERM');
      await rm(dir, { recursive: true, force: true });
    },
  };
}

/**
 * The ledger's side of the same grants, written as decide.lua writes each one (winners hash,
 * count, issued-at hash, sequences ZSET), in pipelined batches. (`rebuild-ledger` would do the
 * same from MySQL, but one restore script of 1 M winners outlasts the client's 500 ms timeout.)
 */
async function seedLedger(url: string, campaignId: string, coupons: number): Promise<void> {
  const keys = new RedisKeys();
  const id = campaignId as CampaignId;
  const client = new Redis(url);
  const at = String(Date.now() - 3_600_000);
  for (let from = 1; from <= coupons; from += 10_000) {
    const pipeline = client.pipeline();
    const to = Math.min(from + 9_999, coupons);
    const winners: string[] = [];
    const instants: string[] = [];
    const scored: (string | number)[] = [];
    for (let sequence = from; sequence <= to; sequence++) {
      const user = `u${sequence}`;
      winners.push(user, String(sequence));
      instants.push(user, at);
      scored.push(sequence, user);
    }
    pipeline.hset(keys.users(id), ...winners);
    pipeline.hset(keys.issuedAt(id), ...instants);
    pipeline.zadd(keys.sequences(id), ...scored);
    await pipeline.exec();
  }
  await client.set(keys.count(id), coupons);
  client.disconnect();
}

/** Counts the calls made through an object's methods. */
function counted<T extends object>(target: T, tally: { calls: number }, narrow?: Partial<T>): T {
  return new Proxy(target, {
    get(object, name, receiver) {
      const own = narrow?.[name as keyof T];
      const value: unknown = own ?? Reflect.get(object, name, receiver);
      if (typeof value !== 'function') return value;
      return (...args: unknown[]) => {
        tally.calls += 1;
        return (value as (...a: unknown[]) => unknown).apply(own ? narrow : object, args);
      };
    },
  });
}

const redis = await ownRedis();
const db = await mysql.createConnection(databaseUrl);
const campaignId = `audit-cost-${randomBytes(4).toString('hex')}`;
const adminToken = randomBytes(16).toString('hex');
const config = loadConfig({
  REDIS_URL: redis.url,
  DATABASE_URL: databaseUrl,
  ADMIN_TOKEN: adminToken,
  LOG_LEVEL: 'silent',
});
const runtime = await createRuntime(config, createPinoLogger('silent', 'audit-cost'), 'bench', {
  processMetrics: false,
});
try {
  const app = await buildHttpApp(runtime);
  const opened = await openCampaign((path, init) => app.request(path, init), adminToken, {
    id: campaignId,
    name: 'Audit cost',
    totalQuantity: COUPONS,
  });
  if (opened.status !== 200) throw new Error(`campaign: ${opened.status} ${await opened.text()}`);

  let started = Date.now();
  await db.query(
    `insert into coupon (campaign_id, user_id, sequence, issued_at)
     select ?, concat('u', seq), seq, now(3) - interval 1 hour from seq_1_to_${COUPONS}`,
    [campaignId],
  );
  console.log(`seeded ${COUPONS} rows in ${Date.now() - started} ms`);
  started = Date.now();
  await seedLedger(redis.url, campaignId, COUPONS);
  console.log(`ledger seeded with the same grants in ${Date.now() - started} ms`);

  const statements = { calls: 0 };
  // The audit's clock, moved past the settled recount interval before the last cycle.
  let shiftMs = 0;
  const clock = { now: () => new Date(Date.now() + shiftMs) };
  const mine = await runtime.ports.campaigns.find(campaignId as CampaignId);
  const audit = composeAudit(
    {
      ...runtime.ports,
      clock,
      campaigns: counted(runtime.ports.campaigns, statements, {
        list: async () => (mine ? [mine] : []),
      }),
      recordAudit: counted(runtime.ports.recordAudit, statements),
    },
    config,
    'bench',
    runtime.core.reemissions,
  );
  const counter = new Redis(redis.url);
  const commands = async () =>
    Number(/total_commands_processed:(\d+)/.exec(await counter.info('stats'))?.[1]);
  const perCommand = async () =>
    new Map(
      [
        ...(await counter.info('commandstats')).matchAll(/cmdstat_(\w+(?:\|\w+)?):calls=(\d+)/g),
      ].map((m) => [m[1]!, Number(m[2])] as const),
    );
  for (let cycle = 1; cycle <= CYCLES; cycle++) {
    if (cycle === CYCLES) shiftMs = config.AUDIT_SETTLED_RECOUNT_MS;
    statements.calls = 0;
    const kinds = await perCommand();
    const before = await commands();
    const at = performance.now();
    const [finding] = await audit.run();
    const ms = performance.now() - at;
    const redisCommands = (await commands()) - before - 1; // the second INFO counts itself
    const after = await perCommand();
    const which = [...after]
      .map(([name, calls]) => [name, calls - (kinds.get(name) ?? 0)] as const)
      .filter(([name, delta]) => delta > 0 && name !== 'info')
      .map(([name, delta]) => `${name}×${delta}`)
      .join(' ');
    const when =
      cycle === 1 ? 'first audit' : cycle === CYCLES ? 'settled, recount due' : 'settled';
    console.log(
      `cycle ${cycle} (${when}): redis commands ${redisCommands}, mysql statements ${statements.calls}, ` +
        `${ms.toFixed(1)} ms, clean=${finding?.clean} grants=${finding?.grants} rows=${finding?.rows} (${which})`,
    );
  }
  counter.disconnect();
} finally {
  await db.query('delete from coupon where campaign_id = ?', [campaignId]);
  await db.end();
  await runtime.lifecycle.stop();
  await redis.stop();
}
