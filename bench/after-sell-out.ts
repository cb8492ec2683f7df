/**
 * (c) and (d), issue 13: what users do once a stampede has sold a campaign out, and what it costs
 * the stores, from the servers' own counters (scripts/lib/server-counters.ts, the same reader the
 * e2e test uses):
 * - (c) a polling flood on the public reads: the status of winners and of others, the campaign's
 *   summary, the campaign list, and unknown campaign ids, in equal shares (the e2e test's mix);
 * - (d) applications after the sell-out: 1 in 100 from a winner (409), the rest new users (410).
 *
 * The service runs on a Redis of the bench's own (ledger-targets.ts), so every Redis command
 * counted is the service's. MariaDB is shared: its `Questions` include other clients, so the same
 * counters are also read over an idle stretch just before each flood (the background to judge
 * the flood's figures against).
 */
import type { Pool } from 'mysql2/promise';
import {
  commandDeltas,
  IDLE_POLLING_COMMANDS,
  mysqlQuestions,
  redisCommandCalls,
  SCRIPT_COMMANDS,
  sumCalls,
} from '../scripts/lib/server-counters.ts';
import { waitForRows, type BenchEnvironment } from './bench-environment.ts';
import {
  AFTER_SELL_OUT_LABELS,
  type AfterSellOutName,
  type AfterSellOutRun,
  type CounterDeltas,
} from './bench-results.ts';
import type { LedgerTarget } from './ledger-targets.ts';
import {
  applications,
  rotatingUsers,
  round,
  runLoad,
  type LoadResult,
  type RequestSource,
} from './load.ts';
import type { Variant } from './variants.ts';

export interface AfterSellOutSettings {
  readonly connections: number;
  readonly warmupSeconds: number;
  readonly durationSeconds: number;
  /** The campaign the stampede sells out, and its pool of users. */
  readonly totalQuantity: number;
  readonly users: number;
  /** Seconds of idle background counted before each flood. */
  readonly idleSeconds: number;
}

/** The stampede's campaign of (c) and (d), after it sold out: its winners. */
interface SoldOut {
  readonly campaignId: string;
  readonly winners: readonly string[];
}

interface CounterReading {
  readonly questions: number;
  readonly redis: ReadonlyMap<string, number>;
}

async function readCounters(mysql: Pool, ledger: LedgerTarget): Promise<CounterReading> {
  return { questions: await mysqlQuestions(mysql), redis: await redisCommandCalls(ledger.redis) };
}

/** The difference of two readings, each reading's own statement and INFO taken out. */
function deltas(before: CounterReading, after: CounterReading): CounterDeltas {
  const grown = commandDeltas(after.redis, before.redis);
  const all = sumCalls(grown) - 1;
  return {
    mysqlQueries: after.questions - before.questions - 1,
    redisCommands: all,
    redisCommandsWithoutPolling: all - sumCalls(grown, IDLE_POLLING_COMMANDS),
    redisScripts: sumCalls(grown, SCRIPT_COMMANDS),
  };
}

const per = (counters: CounterDeltas, divisor: number, digits: number): CounterDeltas => {
  const d = Math.max(divisor, 1e-9);
  return {
    mysqlQueries: round(counters.mysqlQueries / d, digits),
    redisCommands: round(counters.redisCommands / d, digits),
    redisCommandsWithoutPolling: round(counters.redisCommandsWithoutPolling / d, digits),
    redisScripts: round(counters.redisScripts / d, digits),
  };
};

/** The commands that grew most between two readings, per request (the readings' INFO aside). */
function topCommands(
  before: ReadonlyMap<string, number>,
  after: ReadonlyMap<string, number>,
  requests: number,
): Record<string, number> {
  const grown = commandDeltas(after, before)
    .map(([name, calls]) => [name, name === 'info' ? calls - 1 : calls] as const)
    .filter(([, calls]) => calls > 0)
    .sort(([, a], [, b]) => b - a)
    .slice(0, 8);
  return Object.fromEntries(
    grown.map(([name, calls]) => [name, round(calls / Math.max(1, requests), 4)]),
  );
}

/**
 * Sells a fresh campaign out with a stampede (not measured), waits until MySQL and the summary
 * show every coupon persisted, then measures (c) and (d) on it, each after a warm-up of the same
 * flood. `scenarios` says which of the two.
 */
export async function measureAfterSellOut(
  environment: BenchEnvironment,
  variant: Variant,
  ledger: LedgerTarget,
  scenarios: readonly AfterSellOutName[],
  settings: AfterSellOutSettings,
  pids: Record<string, number>,
  log: (line: string) => void,
): Promise<AfterSellOutRun[]> {
  const soldOut = await sellOut(environment, variant, ledger, settings);
  const runs: AfterSellOutRun[] = [];
  const flood = async (
    scenario: AfterSellOutName,
    mix: string,
    requests: (phase: 'w' | 'm') => RequestSource,
  ) => {
    const load = (phase: 'w' | 'm', durationSeconds: number): Promise<LoadResult> =>
      runLoad({
        url: variant.url,
        requests: requests(phase),
        connections: settings.connections,
        durationSeconds,
        pids,
      });
    if (settings.warmupSeconds > 0) await load('w', settings.warmupSeconds);
    // Requests still in flight when a load stops must not count as background.
    await new Promise((resolve) => setTimeout(resolve, Math.min(1, settings.idleSeconds) * 1000));
    const idleStart = await readCounters(environment.mysql, ledger);
    const idleStartedAt = performance.now();
    await new Promise((resolve) => setTimeout(resolve, settings.idleSeconds * 1000));
    const idleEnd = await readCounters(environment.mysql, ledger);
    const idleSeconds = (performance.now() - idleStartedAt) / 1000;
    const result = await load('m', settings.durationSeconds);
    const end = await readCounters(environment.mysql, ledger);
    const counters = deltas(idleEnd, end);
    const run: AfterSellOutRun = {
      scenario,
      campaignId: soldOut.campaignId,
      ledger: ledger.description,
      mix,
      load: result,
      counters,
      perRequest: per(counters, result.requests, 4),
      idlePerSecond: per(deltas(idleStart, idleEnd), idleSeconds, 1),
      topRedisCommands: topCommands(idleEnd.redis, end.redis, result.requests),
    };
    log(
      `${AFTER_SELL_OUT_LABELS[scenario]} service: ${result.requestsPerSecond} req/s, p99 ${result.latencyMs.p99} ms, ` +
        `codes ${JSON.stringify(result.statusCodes)}, per request ${JSON.stringify(run.perRequest)}`,
    );
    runs.push(run);
  };

  const { campaignId, winners } = soldOut;
  const issuances = `/campaigns/${campaignId}/issuances`;
  if (scenarios.includes('reads')) {
    await flood(
      'reads',
      'GET the status of a winner, the status of a user who did not win, the campaign summary, ' +
        'the campaign list, and an unknown campaign (one of 50 ids), in turn',
      (phase) => {
        let i = 0;
        return () => {
          i += 1;
          switch (i % 5) {
            case 0:
              return { method: 'GET', path: `${issuances}/${winners[i % winners.length]}` };
            case 1:
              return { method: 'GET', path: `${issuances}/nobody-${phase}-${i}` };
            case 2:
              return { method: 'GET', path: `/campaigns/${campaignId}` };
            case 3:
              return { method: 'GET', path: '/campaigns' };
            default:
              return { method: 'GET', path: `/campaigns/no-such-${i % 50}` };
          }
        };
      },
    );
  }
  if (scenarios.includes('soldOut')) {
    await flood(
      'soldOut',
      'POST an application: 1 in 100 from a winner (409), the others from new users (410)',
      (phase) => {
        let i = 0;
        return applications(campaignId, () => {
          i += 1;
          return i % 100 === 0 ? (winners[(i / 100) % winners.length] ?? '') : `late-${phase}-${i}`;
        });
      },
    );
  }
  return runs;
}

async function sellOut(
  environment: BenchEnvironment,
  variant: Variant,
  ledger: LedgerTarget,
  settings: AfterSellOutSettings,
): Promise<SoldOut> {
  const campaignId = `service-sold-out-${environment.runId}`.toLowerCase();
  await variant.createCampaign(campaignId, settings.totalQuantity);
  const users = rotatingUsers(settings.users, 's-');
  for (let attempt = 0; ; attempt += 1) {
    await runLoad({
      url: variant.url,
      requests: applications(campaignId, users),
      connections: settings.connections,
      durationSeconds: 1,
    });
    const { issued } = await variant.tally(campaignId);
    if (issued === settings.totalQuantity) break;
    if (attempt >= 30) throw new Error(`${campaignId}: not sold out after ${attempt + 1} s`);
  }
  if (
    (await waitForRows(
      environment.mysql,
      'coupon',
      campaignId,
      settings.totalQuantity,
      120_000,
    )) === undefined
  )
    throw new Error(`${campaignId}: not every coupon reached MySQL within 120 s`);
  // The reads are to find every coupon persisted: wait until the summary says so.
  const deadline = Date.now() + 60_000;
  for (;;) {
    const summary = (await (await fetch(`${variant.url}/campaigns/${campaignId}`)).json()) as {
      persisted?: unknown;
    };
    if (summary.persisted === settings.totalQuantity) break;
    if (Date.now() > deadline)
      throw new Error(`${campaignId}: the summary never showed all persisted`);
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
  const winners = await ledger.redis.hkeys(`coupon:{${campaignId}}:users`);
  return { campaignId, winners };
}
