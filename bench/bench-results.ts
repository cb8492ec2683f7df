import type { ConsumerResult } from './consumer-throughput.ts';
import type { LoadResult } from './load.ts';
import type { Machine } from './machine.ts';
import type { Tally, VariantName } from './variants.ts';

export type ScenarioName = 'stampede' | 'allGrants';

export const SCENARIO_LABELS: Record<ScenarioName, string> = {
  stampede: '(a) stampede',
  allGrants: '(b) all grants',
};

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
    readonly consumerEvents: { readonly batched: number; readonly rowByRow: number };
  };
  readonly scenarios: Record<ScenarioName, VariantRun[]>;
  readonly consumer: ConsumerResult[];
  readonly targets: Target[];
}

const find = (runs: VariantRun[], variant: VariantName) => runs.find((r) => r.variant === variant);
const fmt = (n: number) => n.toLocaleString('en-US', { maximumFractionDigits: 1 });

/** The targets, checked against this run's figures (null when not measured). */
export function evaluateTargets(
  scenarios: Record<ScenarioName, VariantRun[]>,
  consumer: ConsumerResult[],
): Target[] {
  const service = find(scenarios.stampede, 'service');
  const lock = find(scenarios.stampede, 'lock-based');
  const batched = consumer.find((c) => c.mode === 'batched');
  const rows = consumer.find((c) => c.mode === 'row-by-row');
  const targets: Target[] = [];
  if (service?.ratioToCeiling != null) {
    const ratio = service.ratioToCeiling;
    targets.push({
      name: 'apply vs ceiling, (a)',
      target: '≥ 50% of the ceiling',
      actual: `${fmt(ratio * 100)}%`,
      holds: ratio >= 0.5,
    });
  }
  if (service) {
    const p99 = service.load.latencyMs.p99;
    targets.push({
      name: 'apply p99, (a), 100 connections',
      target: '≤ 10 ms',
      actual: `${fmt(p99)} ms`,
      holds: p99 <= 10,
    });
  }
  if (service && lock) {
    const times = service.load.requestsPerSecond / Math.max(1, lock.load.requestsPerSecond);
    targets.push({
      name: 'apply vs lock-based, (a)',
      target: '≥ 20×',
      actual: `${fmt(times)}×`,
      holds: times >= 20,
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
