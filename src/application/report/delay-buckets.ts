/**
 * The fixed buckets of the grant → row delay, in whole milliseconds (a coupon's `issuedAt` has
 * millisecond resolution): ten per decade, 10^(k/10) rounded, from 1 ms to about an hour. Fixed
 * so that every process, every flush and the store agree on them without talking: a bucket is
 * a row key, and counts from anywhere just add up. Below 10 ms the rounding makes them exact
 * (1, 2, 3, 4, 5, 6, 8, 10 ms); above, each bucket is ~26% wider than the one before.
 */
export const DELAY_BUCKETS_MS: readonly number[] = (() => {
  const bounds = new Set<number>();
  for (let k = 0; k <= 66; k += 1) bounds.add(Math.round(10 ** (k / 10)));
  return [...bounds];
})();

/** Beyond the last bound (more than an hour): kept as its own bucket, so nothing is lost. */
export const OVERFLOW_BUCKET_MS = 2 ** 31 - 1;

/** The bucket (its upper bound, ms) a delay falls in: the first bound at or above it. */
export function delayBucket(delayMs: number): number {
  if (!(delayMs > 0)) return DELAY_BUCKETS_MS[0]!; // negative (clock skew) or 0: the first
  let low = 0;
  let high = DELAY_BUCKETS_MS.length - 1;
  if (delayMs > DELAY_BUCKETS_MS[high]!) return OVERFLOW_BUCKET_MS;
  while (low < high) {
    const middle = (low + high) >> 1;
    if (DELAY_BUCKETS_MS[middle]! >= delayMs) high = middle;
    else low = middle + 1;
  }
  return DELAY_BUCKETS_MS[low]!;
}

export interface DelaySummary {
  readonly samples: number;
  /** Upper bounds (ms): the percentile is at most this; never above the observed maximum. */
  readonly p50Ms: number | null;
  readonly p99Ms: number | null;
  readonly maxMs: number | null;
}

/**
 * Percentiles from bucket counts: the upper bound of the bucket where the cumulative count first
 * reaches q·N (the nearest-rank rule), capped by the exact maximum. So "p99 ≤ 13 ms" means at
 * least 99% of the coupons had their row within 13 ms; the true value lies in that bucket.
 */
export function summariseDelays(
  buckets: Readonly<Record<number, number>>,
  maxMs: number | undefined,
): DelaySummary {
  const sorted = Object.entries(buckets)
    .map(([bound, count]) => [Number(bound), count] as const)
    .filter(([, count]) => count > 0)
    .sort(([a], [b]) => a - b);
  const samples = sorted.reduce((sum, [, count]) => sum + count, 0);
  if (samples === 0) return { samples, p50Ms: null, p99Ms: null, maxMs: maxMs ?? null };
  const percentile = (q: number) => {
    const rank = Math.max(1, Math.ceil(q * samples));
    let seen = 0;
    for (const [bound, count] of sorted) {
      seen += count;
      if (seen >= rank) return maxMs === undefined ? bound : Math.min(bound, maxMs);
    }
    return maxMs ?? sorted[sorted.length - 1]![0];
  };
  return { samples, p50Ms: percentile(0.5), p99Ms: percentile(0.99), maxMs: maxMs ?? null };
}
