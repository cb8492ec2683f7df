import type { Redis } from 'ioredis';
import type { Connection } from 'mysql2/promise';

/**
 * The servers' own counters, read the same way by the benchmark (bench/after-sell-out.ts) and by
 * the e2e test that holds the read path to its budget (test/e2e/reads-from-memory.e2e.test.ts):
 * what a flood costs is the difference between two readings, so nothing in the service has to
 * count for itself, and nothing it forgets to count is missed.
 */

/**
 * MariaDB's `Questions`: statements the server ran for its clients. The counter is global (other
 * clients of a shared server count too), and the reading itself is one statement: subtract 1 per
 * reading between the two ends of a delta.
 */
export async function mysqlQuestions(db: Connection): Promise<number> {
  const [rows] = await db.query("SHOW GLOBAL STATUS LIKE 'Questions'");
  return Number((rows as { Value: string }[])[0]?.Value);
}

/**
 * Commands the relay and the readiness probes send on their own, once a second or faster, whether
 * anyone applies or not: left out of a per-request cost, which they would only blur.
 */
export const IDLE_POLLING_COMMANDS: readonly string[] = [
  'xreadgroup',
  'xautoclaim',
  'xpending',
  'xlen',
  'scard',
  'smembers',
  'ping',
];

/** Scripts: every decision and read the API makes in Redis is one. */
export const SCRIPT_COMMANDS: readonly string[] = ['evalsha', 'eval'];

/**
 * Calls per command since the server started, from ONE `INFO commandstats` (which counts itself:
 * `info` grows by 1 per reading), leaving out the commands in `except`. Redis counts the commands
 * a script runs as well, under their own names, so a script call costs 1 + the commands inside it.
 */
export async function redisCommandCalls(
  redis: Redis,
  options: { readonly except?: readonly string[] } = {},
): Promise<Map<string, number>> {
  const info = String(await redis.call('INFO', 'commandstats'));
  const calls = new Map<string, number>();
  for (const [, name = '', count] of info.matchAll(/cmdstat_([a-z_|-]+):calls=(\d+)/g))
    if (!options.except?.includes(name)) calls.set(name, Number(count));
  return calls;
}

/** The commands that grew between two readings, with how much. */
export function commandDeltas(
  after: ReadonlyMap<string, number>,
  before: ReadonlyMap<string, number>,
): (readonly [string, number])[] {
  return [...after]
    .map(([name, n]) => [name, n - (before.get(name) ?? 0)] as const)
    .filter(([, n]) => n > 0);
}

/** The calls of a reading (or of `commandDeltas`), `only` the named commands if given. */
export function sumCalls(
  calls: Iterable<readonly [string, number]>,
  only?: readonly string[],
): number {
  let sum = 0;
  for (const [name, count] of calls) if (!only || only.includes(name)) sum += count;
  return sum;
}
