import autocannon from 'autocannon';
import { cpuMeter } from './process-cpu.ts';

/** Who applies next: the stampede rotates over a pool, "all grants" never repeats a user. */
export type UserSource = () => string;

export const rotatingUsers = (pool: number, prefix = 'u'): UserSource => {
  let next = 0;
  return () => `${prefix}${next++ % pool}`;
};

export const freshUsers = (prefix: string): UserSource => {
  let next = 0;
  return () => `${prefix}${next++}`;
};

/** One request of a load: an application, or a public read. */
export interface LoadRequest {
  readonly method: 'GET' | 'POST';
  readonly path: string;
  /** A JSON body (sent as application/json). */
  readonly body?: string;
  /** More headers (a gated campaign's X-Proof-Of-Work). */
  readonly headers?: Record<string, string>;
}

/** Which request comes next (called once per request sent). */
export type RequestSource = () => LoadRequest;

/**
 * POST /campaigns/:id/issuances with `{"userId": …}` bodies taken from `users`, and on a gated
 * campaign the next of its pre-made solutions (none once they run out: a 428 shows it).
 */
export const applications =
  (campaignId: string, users: UserSource, proofs?: () => string | undefined): RequestSource =>
  () => {
    const proof = proofs?.();
    return {
      method: 'POST',
      path: `/campaigns/${campaignId}/issuances`,
      body: `{"userId":"${users()}"}`,
      ...(proof === undefined ? {} : { headers: { 'x-proof-of-work': proof } }),
    };
  };

export interface LoadOptions {
  readonly url: string;
  readonly requests: RequestSource;
  readonly connections: number;
  readonly durationSeconds: number;
  /** Processes whose CPU is measured over the run, besides the load generator itself. */
  readonly pids?: Record<string, number>;
}

export interface LoadResult {
  readonly requests: number;
  readonly seconds: number;
  readonly requestsPerSecond: number;
  readonly latencyMs: { readonly p50: number; readonly p99: number; readonly max: number };
  /** Answers by status code, e.g. { "201": 1000, "410": 180000 }. */
  readonly statusCodes: Record<string, number>;
  /** Socket errors and timeouts (no HTTP answer at all). */
  readonly errors: number;
  /** CPU over the run, % of one core: `loadgen` is this process, the others are `pids`. */
  readonly cpuPercent: Record<string, number>;
  /** When the last answer came back (epoch ms). */
  readonly endedAt: number;
}

const JSON_HEADERS = { 'content-type': 'application/json' };

/**
 * Runs autocannon (programmatic, in this process) with the requests `requests` gives, for a fixed
 * duration. Latencies are recorded here from every response (autocannon's own histogram rounds
 * to whole milliseconds).
 */
export async function runLoad(options: LoadOptions): Promise<LoadResult> {
  const latencies: number[] = [];
  const meter = cpuMeter(options.pids ?? {});
  const startedAt = performance.now();
  const first = options.requests();
  const result = await new Promise<autocannon.Result>((resolve, reject) => {
    const instance = autocannon(
      {
        url: options.url,
        connections: options.connections,
        duration: options.durationSeconds,
        requests: [
          {
            method: first.method,
            path: first.path,
            setupRequest: (request) => {
              const next = options.requests();
              return next.body === undefined
                ? { ...request, method: next.method, path: next.path, headers: {}, body: '' }
                : {
                    ...request,
                    method: next.method,
                    path: next.path,
                    headers: next.headers ? { ...JSON_HEADERS, ...next.headers } : JSON_HEADERS,
                    body: next.body,
                  };
            },
          },
        ],
      },
      (error, done) => (error ? reject(error as Error) : resolve(done)),
    );
    instance.on('response', (_client, _status, _bytes, responseTime) =>
      latencies.push(responseTime),
    );
  });
  const seconds = (performance.now() - startedAt) / 1000;
  const cpuPercent = meter.stop();
  const statusCodes: Record<string, number> = {};
  for (const [code, stats] of Object.entries(result.statusCodeStats ?? {})) {
    statusCodes[code] = stats.count ?? 0;
  }
  const requests = Object.values(statusCodes).reduce((sum, n) => sum + n, 0);
  return {
    requests,
    seconds: round(seconds, 2),
    requestsPerSecond: Math.round(requests / seconds),
    latencyMs: percentiles(latencies),
    statusCodes,
    errors: result.errors + result.timeouts,
    cpuPercent,
    endedAt: Date.now(),
  };
}

function percentiles(values: number[]): LoadResult['latencyMs'] {
  if (values.length === 0) return { p50: 0, p99: 0, max: 0 };
  const sorted = Float64Array.from(values).sort();
  const at = (q: number) =>
    round(sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] ?? 0, 2);
  return { p50: at(0.5), p99: at(0.99), max: round(sorted[sorted.length - 1] ?? 0, 2) };
}

export const round = (value: number, digits: number) =>
  Math.round(value * 10 ** digits) / 10 ** digits;
