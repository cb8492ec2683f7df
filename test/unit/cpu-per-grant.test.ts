import { describe, expect, it } from 'vitest';
import { evaluateTargets, type VariantRun } from '../../bench/bench-results.ts';
import { cpuPerGrant } from '../../bench/cpu-per-grant.ts';

function allGrants(
  variant: VariantRun['variant'],
  grants: number,
  cpuPercent: Record<string, number>,
): VariantRun {
  return {
    variant,
    campaignId: `${variant}-b`,
    totalQuantity: 100_000_000,
    load: {
      requests: grants * 10,
      seconds: 10,
      requestsPerSecond: grants,
      latencyMs: { p50: 1, p99: 2, max: 3 },
      statusCodes: { '201': grants * 10 },
      errors: 0,
      cpuPercent,
      endedAt: 0,
    },
    tally: { issued: grants * 10, rows: null, duplicates: null },
    ratioToCeiling: null,
    correct: true,
  };
}

describe('CPU per grant (issue 28, (b))', () => {
  it('divides each process CPU by the 201 rate and leaves the load generator out', () => {
    // 50% of a core at 1,000 grants/s is 500 µs per grant.
    const run = allGrants('service', 1_000, {
      loadgen: 90,
      server: 50,
      consumer: 10,
      redis: 20,
      mariadb: 5,
      kafka: 5,
      machine: 200,
    });
    const perGrant = cpuPerGrant(run);
    expect(perGrant?.byProcess).toEqual({
      server: 500,
      consumer: 100,
      redis: 200,
      mariadb: 50,
      kafka: 50,
    });
    expect(perGrant?.total).toBe(900);
  });

  it('has no figure for a run that granted nothing', () => {
    expect(cpuPerGrant(allGrants('service', 0, { server: 90 }))).toBeNull();
  });

  it('judges the pipeline against the reference at 1.6×', () => {
    const reference = allGrants('reference', 2_000, { server: 30, redis: 10 }); // 200 µs
    const within = allGrants('service', 1_000, { server: 20, consumer: 6, redis: 6 }); // 320 µs
    const beyond = allGrants('service', 1_000, { server: 20, consumer: 7, redis: 6 }); // 330 µs
    const target = (service: VariantRun) =>
      evaluateTargets({ stampede: [], allGrants: [reference, service] }, []).find((t) =>
        t.name.includes('CPU per grant'),
      );
    expect(target(within)).toMatchObject({ holds: true, actual: '1.6× (320 vs 200 µs)' });
    expect(target(beyond)).toMatchObject({ holds: false, actual: '1.7× (330 vs 200 µs)' });
  });
});
