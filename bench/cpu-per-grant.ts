import type { VariantRun } from './bench-results.ts';

/**
 * The processes a grant's CPU is counted over: every server process of the run, the load
 * generator and the rest of the machine left out. The reference keeps no outbox, so its
 * consumer/MariaDB/Kafka figures are their idle background; counting them on both sides keeps
 * the comparison honest (the reference is not flattered by leaving the services' idle out).
 */
export const GRANT_PROCESSES = ['server', 'consumer', 'redis', 'mariadb', 'kafka'] as const;
export type GrantProcess = (typeof GRANT_PROCESSES)[number];

export interface CpuPerGrant {
  /** µs of CPU per granted (201) coupon, by process. */
  readonly byProcess: Record<GrantProcess, number>;
  readonly total: number;
}

/**
 * µs of CPU per grant from a run's CPU meter (% of one core over the measured load) and its 201
 * rate: `% / 100` core-seconds per second, divided by grants per second. Null when nothing was
 * granted (a stampede's tail of 410s would make "per grant" meaningless).
 */
export function cpuPerGrant(run: Pick<VariantRun, 'load'>): CpuPerGrant | null {
  const grantsPerSecond = (run.load.statusCodes['201'] ?? 0) / Math.max(0.001, run.load.seconds);
  if (grantsPerSecond < 1) return null;
  const perGrant = (percent: number) => ((percent / 100) * 1e6) / grantsPerSecond;
  const byProcess = Object.fromEntries(
    GRANT_PROCESSES.map((p) => [p, perGrant(run.load.cpuPercent[p] ?? 0)]),
  ) as Record<GrantProcess, number>;
  const total = GRANT_PROCESSES.reduce((sum, p) => sum + byProcess[p], 0);
  return { byProcess, total };
}
