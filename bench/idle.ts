/**
 * Issue 28, idle: what an API process and its consumer cost the stores when nobody asks them
 * anything, with a catalog of many finished campaigns (each sold out and fully relayed, so that
 * each once had an outbox stream). Creates `campaigns` campaigns of one coupon, grants each, waits
 * until every row is in MySQL and the streams had time to go quiet (`quietMs`, the service's
 * OUTBOX_QUIET_MS), then counts the Redis commands (`INFO commandstats`, scripts' inner commands
 * included) and MariaDB's `Questions` over `seconds`.
 */
import {
  mysqlQuestions,
  redisCommandCalls,
  commandDeltas,
  sumCalls,
} from '../scripts/lib/server-counters.ts';
import type { BenchEnvironment } from './bench-environment.ts';
import type { IdleRun } from './bench-results.ts';
import type { LedgerTarget } from './ledger-targets.ts';
import { round } from './load.ts';
import type { Variant } from './variants.ts';

export interface IdleSettings {
  readonly campaigns: number;
  readonly seconds: number;
  readonly quietMs: number;
}

const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

export async function measureIdle(
  environment: BenchEnvironment,
  variant: Variant,
  ledger: LedgerTarget,
  settings: IdleSettings,
  log: (line: string) => void,
): Promise<IdleRun> {
  const prefix = `idle-${environment.runId}`.toLowerCase();
  const ids = Array.from({ length: settings.campaigns }, (_, i) => `${prefix}-${i}`);
  // A few at a time: the catalog is built, not stampeded.
  for (let i = 0; i < ids.length; i += 20) {
    await Promise.all(
      ids.slice(i, i + 20).map(async (id) => {
        await variant.createCampaign(id, 1);
        const response = await fetch(`${variant.url}/campaigns/${id}/issuances`, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify({ userId: 'first' }),
        });
        if (response.status !== 201) throw new Error(`${id}: apply answered ${response.status}`);
      }),
    );
  }
  const deadline = Date.now() + 120_000;
  for (;;) {
    const [rows] = (await environment.mysql.query(
      'select count(*) as n from coupon where campaign_id like ?',
      [`${prefix}-%`],
    )) as unknown as [{ n: number }[]];
    if (Number(rows[0]?.n) === ids.length) break;
    if (Date.now() > deadline) throw new Error('the idle campaigns never all reached MySQL');
    await pause(500);
  }
  // Every stream quiet for its quiet time, and one sweep after it.
  await pause(settings.quietMs + 2_000);

  const redisBefore = await redisCommandCalls(ledger.redis);
  const questionsBefore = await mysqlQuestions(environment.mysql);
  const startedAt = performance.now();
  await pause(settings.seconds * 1000);
  const redisAfter = await redisCommandCalls(ledger.redis);
  const questionsAfter = await mysqlQuestions(environment.mysql);
  const seconds = (performance.now() - startedAt) / 1000;

  const grown = commandDeltas(redisAfter, redisBefore).map(
    ([name, calls]) => [name, name === 'info' ? calls - 1 : calls] as const,
  );
  const top = [...grown]
    .filter(([, calls]) => calls > 0)
    .sort(([, a], [, b]) => b - a)
    .slice(0, 8);
  const run: IdleRun = {
    campaigns: ids.length,
    seconds: round(seconds, 1),
    quietMs: settings.quietMs,
    ledger: ledger.description,
    redisCommandsPerSecond: round(sumCalls(grown) / seconds, 1),
    mysqlQueriesPerSecond: round((questionsAfter - questionsBefore - 1) / seconds, 1),
    topRedisCommands: Object.fromEntries(
      top.map(([name, calls]) => [name, round(calls / seconds, 1)]),
    ),
  };
  log(
    `idle, ${run.campaigns} campaigns: ${run.redisCommandsPerSecond} Redis commands/s ` +
      `(${JSON.stringify(run.topRedisCommands)}), ${run.mysqlQueriesPerSecond} MySQL queries/s`,
  );
  return run;
}
