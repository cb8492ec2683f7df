import { monitorEventLoopDelay } from 'node:perf_hooks';
import autocannon from 'autocannon';
import type { Phase, Step, UserPool } from './rehearsal-shape.ts';
import type { ProofQueue } from './solve-proof.ts';

/** How one step went, from the client's side. */
export interface StepResult {
  readonly phase: Phase;
  readonly asked: number;
  /** Answers (and failed requests) per second actually got through. */
  readonly achieved: number;
  readonly seconds: number;
  readonly connections: number;
  /** CPU this process spent, as a share of one core (Node runs the load on one). */
  readonly clientCpu: number;
  /** The 99th percentile of this process's event loop delay: a busy client answers late. */
  readonly loopDelayP99Ms: number;
  readonly latencyP50Ms: number;
  readonly latencyP99Ms: number;
}

/** Everything the client saw over the whole rehearsal. */
export interface ClientView {
  readonly byStatus: Map<number, number>;
  /** By stable code (`ISSUED` for a 201, else the body's error.code, else the status). */
  readonly byCode: Map<string, number>;
  /** Requests that got no HTTP answer (refused, reset, timed out). */
  errors: number;
  readonly latencies: number[];
  first201At: number | undefined;
  last201At: number | undefined;
  /** Users answered 201 more than once: must stay 0 (G2). */
  readonly winners: Set<string>;
  doubleWins: number;
  readonly steps: StepResult[];
}

export const emptyView = (): ClientView => ({
  byStatus: new Map(),
  byCode: new Map(),
  errors: 0,
  latencies: [],
  first201At: undefined,
  last201At: undefined,
  winners: new Set(),
  doubleWins: 0,
  steps: [],
});

/** Latencies kept for percentiles: a long rehearsal keeps the first ones. */
const MAX_LATENCIES = 2_000_000;
const CODE = /"code":"([A-Z_]+)"/;

export function percentile(values: readonly number[], q: number): number {
  if (values.length === 0) return 0;
  const sorted = Float64Array.from(values).sort();
  return sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] ?? 0;
}

export const answered = (view: ClientView) =>
  [...view.byStatus.values()].reduce((sum, n) => sum + n, 0);

/**
 * Fires one step with autocannon (the library the benchmark uses): `rate` requests per second
 * spread over at most `connections` keep-alive connections, each an application of the next user
 * of the pool. Counts what comes back into `view`. Not another HTTP load engine: autocannon paces,
 * sends and times; this only says who applies and adds up the answers.
 */
export async function fireStep(options: {
  readonly url: string;
  readonly campaignId: string;
  readonly step: Step;
  readonly connections: number;
  readonly users: UserPool;
  readonly view: ClientView;
  /** A gated campaign's solutions, one per request. */
  readonly proofs?: ProofQueue;
}): Promise<StepResult> {
  const { step, view, users } = options;
  const connections = Math.max(1, Math.min(options.connections, step.rate));
  const latencies: number[] = [];
  const loop = monitorEventLoopDelay({ resolution: 10 });
  loop.enable();
  const cpu = process.cpuUsage();
  const started = performance.now();
  const before = answered(view) + view.errors;
  const result = await new Promise<autocannon.Result>((resolve, reject) => {
    const instance = autocannon(
      {
        url: options.url,
        connections,
        overallRate: step.rate,
        // A number of requests, not a duration: autocannon then waits for every answer, where a
        // duration would drop the requests still in flight at its end (sent, counted by the
        // service, never seen here). A slow service makes the step longer, which `achieved` shows.
        amount: Math.max(1, Math.round(step.rate * step.seconds)),
        requests: [
          {
            method: 'POST',
            path: `/campaigns/${options.campaignId}/issuances`,
            headers: { 'content-type': 'application/json' },
            setupRequest: (request, context) => {
              const userId = users.next();
              (context as { userId?: string }).userId = userId;
              const proof = options.proofs?.next();
              const headers =
                proof === undefined
                  ? request.headers
                  : { ...request.headers, 'x-proof-of-work': proof };
              return { ...request, headers, body: `{"userId":"${userId}"}` };
            },
            onResponse: (status, body, context) => {
              view.byStatus.set(status, (view.byStatus.get(status) ?? 0) + 1);
              const code = status === 201 ? 'ISSUED' : (CODE.exec(body)?.[1] ?? String(status));
              view.byCode.set(code, (view.byCode.get(code) ?? 0) + 1);
              if (status !== 201) return;
              const now = Date.now();
              view.first201At ??= now;
              view.last201At = now;
              const userId = (context as { userId?: string }).userId ?? '';
              if (view.winners.has(userId)) view.doubleWins += 1;
              view.winners.add(userId);
            },
          },
        ],
      },
      (error, done) => (error ? reject(error as Error) : resolve(done)),
    );
    instance.on('response', (_client, _status, _bytes, responseTime) => {
      latencies.push(responseTime);
      // As they come, so the progress line's p99 is the last answers'.
      if (view.latencies.length < MAX_LATENCIES) view.latencies.push(responseTime);
    });
  });
  const seconds = (performance.now() - started) / 1000;
  const used = process.cpuUsage(cpu);
  loop.disable();
  view.errors += result.errors + result.timeouts;
  const stepResult: StepResult = {
    phase: step.phase,
    asked: step.rate,
    achieved: (answered(view) + view.errors - before) / seconds,
    seconds,
    connections,
    clientCpu: (used.user + used.system) / 1e6 / seconds,
    loopDelayP99Ms: loop.percentile(99) / 1e6,
    latencyP50Ms: percentile(latencies, 0.5),
    latencyP99Ms: percentile(latencies, 0.99),
  };
  view.steps.push(stepResult);
  return stepResult;
}

/** A step that got less than 90% of what it asked for. */
export const fellShort = (step: StepResult) => step.achieved < 0.9 * step.asked;

/**
 * Why a step fell short, as far as the client can tell: its own CPU or event loop saturated
 * (the client is the bottleneck: the service was not tested at that rate), or too few
 * connections for the latency it got (each connection carries one request at a time), or else
 * the service (or the network) answered slower than asked.
 */
export function shortfallCause(step: StepResult): 'client' | 'connections' | 'service' {
  if (step.clientCpu >= 0.85 || step.loopDelayP99Ms >= 50) return 'client';
  const perConnection = step.latencyP50Ms > 0 ? 1000 / step.latencyP50Ms : Infinity;
  if (step.connections * perConnection < step.asked) return 'connections';
  return 'service';
}
