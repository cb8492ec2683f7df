import type { ConsumerResult } from './consumer-throughput.ts';
import { cpuPerGrant } from './cpu-per-grant.ts';
import type { DurabilityLevel } from './ledger-targets.ts';
import type { LoadResult } from './load.ts';
import type { Machine } from './machine.ts';
import type { Tally, VariantName } from './variants.ts';

export type ScenarioName = 'stampede' | 'allGrants';

export const SCENARIO_LABELS: Record<ScenarioName, string> = {
  stampede: '(a) stampede',
  allGrants: '(b) all grants',
};

/** The service alone, on a campaign a stampede sold out (issue 13). */
export type AfterSellOutName = 'reads' | 'soldOut';

export const AFTER_SELL_OUT_LABELS: Record<AfterSellOutName, string> = {
  reads: '(c) polling flood on public reads',
  soldOut: '(d) applications after the sell-out',
};

/** The label of the durability table (issue 12). */
export const DURABILITY_LABEL = '(e) all grants by ledger durability';

/** One variant under one scenario's measured load. */
export interface VariantRun {
  readonly variant: VariantName;
  readonly campaignId: string;
  readonly totalQuantity: number;
  readonly load: LoadResult;
  readonly tally: Tally;
  /** requests/s divided by the ceiling's in the same scenario. */
  readonly ratioToCeiling: number | null;
  /** Granted (201) = counted by the store = rows, none over the cap, no duplicate. */
  readonly correct: boolean | null;
  /** The service: ms from the end of the load until MySQL held every granted coupon. */
  readonly persistedAfterLoadEndMs?: number | null;
  /** The service: persisted_at − issued_at over the campaign's coupons. */
  readonly persistLagMs?: { readonly p50: number; readonly max: number } | null;
}

/** Server counters over one measured load, and per request (see scripts/lib/server-counters.ts). */
export interface CounterDeltas {
  /** MariaDB `Questions` (global: other clients of the shared server count too). */
  readonly mysqlQueries: number;
  /** Every Redis command, those inside scripts included (`INFO commandstats`, summed). */
  readonly redisCommands: number;
  /** The same without the relay's and readiness probes' idle polling (what the e2e test counts). */
  readonly redisCommandsWithoutPolling: number;
  /** Script calls (EVALSHA + EVAL). */
  readonly redisScripts: number;
}

/** (c) or (d): the service's answers to a flood on a sold-out campaign, and what they cost. */
export interface AfterSellOutRun {
  readonly scenario: AfterSellOutName;
  readonly campaignId: string;
  /** The Redis the service ran on (its counters are the service's alone). */
  readonly ledger: string;
  /** What the flood asks, in words. */
  readonly mix: string;
  readonly load: LoadResult;
  readonly counters: CounterDeltas;
  readonly perRequest: CounterDeltas;
  /** The same counters per second over an idle stretch just before the flood (the background). */
  readonly idlePerSecond: CounterDeltas;
  /** The Redis commands the flood ran most, per request (what the per-request figure is made of). */
  readonly topRedisCommands?: Record<string, number>;
}

/** (e) the service's all-grants run on one ledger durability level. */
export interface DurabilityRun extends VariantRun {
  readonly level: DurabilityLevel;
  readonly ledger: string;
}

export interface Target {
  readonly name: string;
  readonly target: string;
  readonly actual: string;
  readonly holds: boolean | null;
}

export interface BenchResults {
  readonly runId: string;
  readonly startedAt: string;
  readonly finishedAt: string;
  readonly command: string;
  readonly smoke: boolean;
  readonly machine: Machine;
  readonly revision: { readonly commit: string; readonly srcModified: boolean };
  /** How quiet the machine was: 1/5/15-min load average at start, and anything that disturbed the run. */
  readonly conditions: { readonly loadAverageAtStart: number[]; readonly warnings: string[] };
  readonly settings: {
    readonly connections: number;
    readonly durationSeconds: number;
    readonly warmupSeconds: number;
    readonly stampede: { readonly totalQuantity: number; readonly users: number };
    readonly allGrants: { readonly totalQuantity: number };
    /** Absent in results written before (c), (d) and (e) existed. */
    readonly afterSellOut?: { readonly idleSeconds: number };
    readonly idle?: {
      readonly campaigns: number;
      readonly seconds: number;
      readonly quietMs: number;
    };
    readonly durabilityLevels?: readonly DurabilityLevel[];
    readonly consumerEvents: { readonly batched: number; readonly rowByRow: number };
  };
  readonly scenarios: Record<ScenarioName, VariantRun[]>;
  /** Absent in results written before these scenarios existed. */
  readonly afterSellOut?: AfterSellOutRun[];
  readonly idle?: IdleRun;
  readonly durability?: DurabilityRun[];
  readonly consumer: ConsumerResult[];
  readonly targets: Target[];
}

const find = (runs: VariantRun[], variant: VariantName) => runs.find((r) => r.variant === variant);
const fmt = (n: number) => n.toLocaleString('en-US', { maximumFractionDigits: 1 });
const fmtSmall = (n: number) => n.toLocaleString('en-US', { maximumFractionDigits: 4 });

/** Idle: the stores' load from an API and its consumer that nobody asks anything. */
export interface IdleRun {
  readonly campaigns: number;
  readonly seconds: number;
  /** OUTBOX_QUIET_MS of the service: how long a finished campaign's stream stays watched. */
  readonly quietMs: number;
  readonly ledger: string;
  readonly redisCommandsPerSecond: number;
  readonly mysqlQueriesPerSecond: number;
  readonly topRedisCommands: Record<string, number>;
}

/** The design's targets, checked against this run's figures (left out when not measured). */
export function evaluateTargets(
  scenarios: Record<ScenarioName, VariantRun[]>,
  consumer: ConsumerResult[],
  afterSellOut: AfterSellOutRun[] = [],
  idle?: IdleRun,
): Target[] {
  const service = find(scenarios.stampede, 'service');
  const reference = find(scenarios.stampede, 'reference');
  const lock = find(scenarios.stampede, 'lock-based');
  const serviceAllGrants = find(scenarios.allGrants, 'service');
  const batched = consumer.find((c) => c.mode === 'batched');
  const rows = consumer.find((c) => c.mode === 'row-by-row');
  const reads = afterSellOut.find((r) => r.scenario === 'reads');
  const soldOut = afterSellOut.find((r) => r.scenario === 'soldOut');
  const targets: Target[] = [];
  if (service && reference) {
    const ratio = service.load.requestsPerSecond / Math.max(1, reference.load.requestsPerSecond);
    targets.push({
      name: 'apply vs the reference, (a): req/s',
      target: "≥ 90% of the reference's",
      actual: `${fmt(ratio * 100)}%`,
      holds: ratio >= 0.9,
    });
    const times = service.load.latencyMs.p99 / Math.max(0.01, reference.load.latencyMs.p99);
    targets.push({
      name: 'apply vs the reference, (a): p99',
      target: "≤ 1.5× the reference's",
      actual: `${fmt(times)}× (${fmt(service.load.latencyMs.p99)} vs ${fmt(reference.load.latencyMs.p99)} ms)`,
      holds: times <= 1.5,
    });
  }
  const referenceAllGrants = find(scenarios.allGrants, 'reference');
  const servicePerGrant = serviceAllGrants && cpuPerGrant(serviceAllGrants);
  const referencePerGrant = referenceAllGrants && cpuPerGrant(referenceAllGrants);
  if (servicePerGrant && referencePerGrant) {
    const times = servicePerGrant.total / Math.max(0.001, referencePerGrant.total);
    targets.push({
      name: '(b) all grants: pipeline CPU per grant vs the reference',
      target: "≤ 1.6× the reference's (load generator left out)",
      actual: `${fmt(times)}× (${fmt(servicePerGrant.total)} vs ${fmt(referencePerGrant.total)} µs)`,
      holds: times <= 1.6,
    });
  }
  const gated = find(scenarios.stampede, 'service-pow');
  if (service && gated) targets.push(...proofOfWorkTargets(service, gated, reference));
  if (service && lock) {
    const times = service.load.requestsPerSecond / Math.max(1, lock.load.requestsPerSecond);
    targets.push({
      name: 'apply vs lock-based, (a)',
      target: '≥ 25×',
      actual: `${fmt(times)}×`,
      holds: times >= 25,
    });
  }
  if (service && serviceAllGrants) {
    const ratio =
      serviceAllGrants.load.requestsPerSecond / Math.max(1, service.load.requestsPerSecond);
    targets.push({
      name: 'apply, (b) all grants vs (a) stampede',
      target: '≥ 60% of the stampede rate',
      actual: `${fmt(ratio * 100)}%`,
      holds: ratio >= 0.6,
    });
  }
  if (reads) {
    const perRequest = reads.perRequest.mysqlQueries;
    targets.push({
      name: `${AFTER_SELL_OUT_LABELS.reads}: MySQL queries`,
      target: '≤ 0.01 per request (200 per 20,000)',
      actual: `${fmtSmall(perRequest)} per request`,
      holds: perRequest <= 0.01,
    });
  }
  const ceiling = find(scenarios.stampede, 'ceiling');
  if (reads && ceiling) {
    const ratio = reads.load.requestsPerSecond / Math.max(1, ceiling.load.requestsPerSecond);
    targets.push({
      name: `${AFTER_SELL_OUT_LABELS.reads}: req/s vs the ceiling of (a)`,
      target: '≥ 90% of the ceiling',
      actual: `${fmt(ratio * 100)}%`,
      holds: ratio >= 0.9,
    });
  }
  if (reads) {
    const perRequest = reads.perRequest.redisCommands;
    targets.push({
      name: `${AFTER_SELL_OUT_LABELS.reads}: Redis commands`,
      target: '≤ 0.1 per request',
      actual: `${fmtSmall(perRequest)} per request`,
      holds: perRequest <= 0.1,
    });
  }
  if (idle) {
    targets.push({
      name: `idle, ${idle.campaigns} campaigns: Redis commands`,
      target: '< 50 per second',
      actual: `${fmt(idle.redisCommandsPerSecond)} per second`,
      holds: idle.redisCommandsPerSecond < 50,
    });
  }
  if (soldOut) {
    const perRequest = soldOut.perRequest.redisCommandsWithoutPolling;
    targets.push({
      name: `${AFTER_SELL_OUT_LABELS.soldOut}: Redis commands`,
      target: '≤ 0.05 per request (idle polling aside)',
      actual: `${fmtSmall(perRequest)} per request`,
      holds: perRequest <= 0.05,
    });
  }
  if (batched) {
    targets.push({
      name: 'consumer, batched',
      target: '≥ 20,000 coupons/s',
      actual: `${fmt(batched.couponsPerSecond)} coupons/s`,
      holds: batched.couponsPerSecond >= 20_000,
    });
  }
  if (batched && rows) {
    const times = batched.couponsPerSecond / Math.max(1, rows.couponsPerSecond);
    targets.push({
      name: 'consumer, batched vs row by row',
      target: '≥ 10×',
      actual: `${fmt(times)}×`,
      holds: times >= 10,
    });
  }
  if (service && service.persistedAfterLoadEndMs !== undefined) {
    const ms = service.persistedAfterLoadEndMs;
    targets.push({
      name: 'after (a) ends, every grant in MySQL',
      target: 'within 1 s',
      actual: ms === null ? 'not within the timeout' : `${fmt(ms / 1000)} s`,
      holds: ms !== null && ms <= 1000,
    });
  }
  return targets;
}

/** API CPU per answered request of a run, in µs (its `server` process). */
function apiMicrosPerRequest(run: VariantRun): number {
  const { cpuPercent, seconds, requests } = run.load;
  return ((cpuPercent['server'] ?? 0) / 100) * seconds * 1e6 * (1 / Math.max(1, requests));
}

/**
 * The proof-of-work gate's price on the stampede (a valid, unused solution on every request):
 * "within a few percent of the stampede ratio" (design.md), i.e. of the service without it.
 */
function proofOfWorkTargets(
  service: VariantRun,
  gated: VariantRun,
  reference: VariantRun | undefined,
): Target[] {
  const ratio = gated.load.requestsPerSecond / Math.max(1, service.load.requestsPerSecond);
  const ofReference = reference
    ? `; ${fmt((gated.load.requestsPerSecond / Math.max(1, reference.load.requestsPerSecond)) * 100)}% ` +
      `of the reference's, against ${fmt((service.load.requestsPerSecond / Math.max(1, reference.load.requestsPerSecond)) * 100)}% without`
    : '';
  const [withGate, without] = [apiMicrosPerRequest(gated), apiMicrosPerRequest(service)];
  const cpu = withGate / Math.max(0.01, without);
  return [
    {
      name: 'apply with the proof-of-work gate vs without, (a): req/s',
      target: '≥ 95% (a few percent)',
      actual: `${fmt(ratio * 100)}%${ofReference}`,
      holds: ratio >= 0.95,
    },
    {
      name: 'apply with the proof-of-work gate vs without, (a): API CPU per request',
      target: '≤ 1.05×',
      actual: `${fmt(cpu)}× (${fmt(withGate)} vs ${fmt(without)} µs)`,
      holds: cpu <= 1.05,
    },
  ];
}
