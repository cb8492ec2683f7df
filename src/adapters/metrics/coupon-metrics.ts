import { collectDefaultMetrics, Counter, Gauge, Histogram, type Registry } from 'prom-client';
import { CachedProbe } from './cached-probe.ts';
import { OpeningMetrics, type OpeningSnapshot } from './opening-metrics.ts';
import { ProofMetrics, type ProofSnapshot } from './proof-metrics.ts';
import {
  LabelledCounter,
  LabelledHistogram,
  type CounterSeries,
  type HistogramSeries,
} from './labelled-series.ts';
import type { ApplyOutcome } from '../../application/issue/apply-for-coupon.ts';
import type { FailedIssuanceRepository } from '../../application/ports/failed-issuance-repository.port.ts';
import type { IssuanceOutbox } from '../../application/ports/issuance-outbox.port.ts';
import type { AuditSummary } from '../../application/audit/persistence-finding.ts';

/** What the metrics read from the persistence audit: its last figures, never a new cycle. */
export interface AuditFigures {
  summary(): AuditSummary;
}

/**
 * Every outcome of ApplyForCoupon, plus `error` for a call that threw (ledger unreachable).
 * Written as a record so that a new outcome in the use case is a compile error here, not a
 * silently missing label.
 */
const OUTCOME_KINDS: Record<ApplyOutcome['kind'], true> = {
  issued: true,
  'already-issued': true,
  'sold-out': true,
  'not-open': true,
  closed: true,
  paused: true,
  'not-eligible': true,
  'unknown-campaign': true,
  'ledger-not-ready': true,
};
export type DecisionOutcome = ApplyOutcome['kind'] | 'error';
export const DECISION_OUTCOMES: readonly DecisionOutcome[] = [
  ...(Object.keys(OUTCOME_KINDS) as ApplyOutcome['kind'][]),
  'error',
];

export type LedgerOperation = 'define' | 'reserve' | 'collect' | 'find_grant' | 'tally';

/** Ledger calls are sub-millisecond in memory and ~0.1-2 ms on Redis; 100 ms is already bad. */
const LEDGER_BUCKETS = [
  0.00005, 0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 1,
];
const HTTP_BUCKETS = [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 10];
const BATCH_BUCKETS = [1, 5, 10, 25, 50, 100, 250, 500, 1000, 2500, 5000, 10_000];
/** Lag from grant to publish / persist: milliseconds when healthy, minutes during an outage. */
const LAG_BUCKETS = [
  0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 300, 1800,
];

const HTTP_METHODS = new Set(['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS']);

/** The gauges probed on scrape, and the `probe` label their failures are counted under. */
const PROBED_GAUGES = {
  outboxDepth: {
    name: 'coupon_outbox_depth',
    help: 'Granted coupons not yet acknowledged by the event log (NaN if the probe failed)',
    probe: 'outbox_depth',
  },
  failedOpen: {
    name: 'coupon_failed_issuance_open',
    help: 'Open rows of failed_issuance (NaN if the probe failed)',
    probe: 'failed_issuance_open',
  },
} as const;

export interface CouponMetricsOptions {
  /** Node process metrics (CPU, memory, event loop lag, GC); on by default. */
  readonly processMetrics?: boolean;
}

/** What the dashboard reads: cumulative counters and the last probed backlog gauges. */
export interface OperationalSnapshot {
  readonly decisions: Readonly<Record<DecisionOutcome, number>>;
  /** Outbox entries not yet acknowledged; null when this process has no outbox. */
  readonly outboxDepth: number | null;
  /** Open failed_issuance rows; null when this process has no failure store. */
  readonly failedOpen: number | null;
  /** The proof-of-work gate: challenges issued, solutions accepted and refused by reason. */
  readonly proofs: ProofSnapshot;
  /** The shuffled openings: applicants collected, applications that waited, the last batch. */
  readonly openings: OpeningSnapshot;
}

/**
 * All metrics of one process, registered on the Registry it is given (never prom-client's
 * global default registry, so tests and processes do not share series). Label values are
 * closed sets (route patterns, outcomes, operations): never a user id or a raw path.
 */
export class CouponMetrics {
  readonly registry: Registry;
  /** The shuffled opening's counters (opening-metrics.ts). */
  readonly openings: OpeningMetrics;
  /** The proof-of-work gate's counters. */
  readonly proofs: ProofMetrics;
  // The apply path's series: touched on every request, so the cheap kind (labelled-series.ts).
  readonly #httpRequests: LabelledCounter<'method' | 'route' | 'status'>;
  readonly #httpDuration: LabelledHistogram<'method' | 'route'>;
  /** Per `method route status`: the two series one request adds to, found with one lookup. */
  readonly #httpSeries = new Map<string, { count: CounterSeries; duration: HistogramSeries }>();
  readonly #decisions: LabelledCounter<'outcome'>;
  readonly #decisionSeries = new Map<DecisionOutcome, CounterSeries>();
  readonly #ledgerDuration: LabelledHistogram<'operation' | 'result'>;
  readonly #relayBatchSize: Histogram;
  readonly #relayLag: Histogram;
  readonly #relayPublished: Counter;
  readonly #relayFailures: Counter;
  readonly #consumerBatchSize: Histogram;
  readonly #consumerLag: Histogram;
  readonly #consumerSaved: Counter;
  readonly #probeErrors: Counter<'probe'>;
  #outboxDepth: CachedProbe | undefined;
  #failedOpen: CachedProbe | undefined;
  readonly #registers: Registry[];
  #audit: AuditFigures | undefined;

  constructor(registry: Registry, options: CouponMetricsOptions = {}) {
    this.registry = registry;
    const registers = [registry];
    this.#registers = registers;
    if (options.processMetrics ?? true) collectDefaultMetrics({ register: registry });
    this.openings = new OpeningMetrics(registry);
    this.proofs = new ProofMetrics(registry);

    this.#httpRequests = new LabelledCounter(
      'http_requests_total',
      'HTTP requests by route pattern (never the raw path) and status code',
      ['method', 'route', 'status'],
      registry,
    );
    this.#httpDuration = new LabelledHistogram(
      'http_request_duration_seconds',
      'HTTP request duration by route pattern',
      ['method', 'route'],
      HTTP_BUCKETS,
      registry,
    );
    this.#decisions = new LabelledCounter(
      'coupon_apply_decisions_total',
      'Apply decisions by outcome (error: the ledger could not be asked)',
      ['outcome'],
      registry,
    );
    // Every outcome is a series from the first scrape.
    for (const outcome of DECISION_OUTCOMES) {
      this.#decisionSeries.set(outcome, this.#decisions.series(outcome));
    }
    this.#ledgerDuration = new LabelledHistogram(
      'coupon_ledger_call_duration_seconds',
      'Issuance ledger call latency by operation and result',
      ['operation', 'result'],
      LEDGER_BUCKETS,
      registry,
    );
    // The relay's and the consumer's series: one observation per batch, prom-client's own kind.
    const histogram = (name: string, help: string, buckets: number[]) =>
      new Histogram({ name, help, buckets, registers });
    const counter = (name: string, help: string) => new Counter({ name, help, registers });
    this.#relayBatchSize = histogram(
      'coupon_relay_batch_size',
      'Coupons per successful publish to the event log',
      BATCH_BUCKETS,
    );
    this.#relayLag = histogram(
      'coupon_relay_lag_seconds',
      'Age of the oldest coupon of each published batch (publish time - issuedAt)',
      LAG_BUCKETS,
    );
    this.#relayPublished = counter(
      'coupon_relay_published_total',
      'Coupons acknowledged by the event log (a retried batch counts again)',
    );
    this.#relayFailures = counter(
      'coupon_relay_publish_failures_total',
      'Publish calls the event log did not acknowledge',
    );
    this.#consumerBatchSize = histogram(
      'coupon_consumer_batch_size',
      'Coupons per successful durable write (saveAll)',
      BATCH_BUCKETS,
    );
    this.#consumerLag = histogram(
      'coupon_consumer_lag_seconds',
      'Age of the oldest coupon of each persisted batch (persist time - issuedAt)',
      LAG_BUCKETS,
    );
    this.#consumerSaved = counter(
      'coupon_consumer_saved_total',
      'Coupons written durably (redelivered ones count again; the write is idempotent)',
    );
    this.#probeErrors = new Counter({
      name: 'coupon_metrics_probe_errors_total',
      help: 'Scrape-time probes (outbox depth, open failures) that failed or timed out',
      labelNames: ['probe'],
      registers,
    });
  }

  get contentType(): string {
    return this.registry.contentType;
  }

  /** The Prometheus text exposition of this process's registry. */
  exposition(): Promise<string> {
    return this.registry.metrics();
  }

  observeRequest(method: string, route: string, status: number, seconds: number): void {
    const m = HTTP_METHODS.has(method) ? method : 'OTHER';
    const key = `${m} ${route} ${status}`;
    let series = this.#httpSeries.get(key);
    if (!series) {
      series = {
        count: this.#httpRequests.series(m, route, String(status)),
        duration: this.#httpDuration.series(m, route),
      };
      this.#httpSeries.set(key, series);
    }
    series.count.add();
    series.duration.observe(seconds);
  }

  recordDecision(outcome: DecisionOutcome): void {
    this.#decisionSeries.get(outcome)?.add();
  }

  /** Starts timing a ledger call; call the result with whether it succeeded. */
  startLedgerTimer(operation: LedgerOperation): (result: 'ok' | 'error') => void {
    const started = performance.now();
    return (result) => {
      const seconds = (performance.now() - started) / 1000;
      this.#ledgerDuration.series(operation, result).observe(seconds);
    };
  }

  observeRelayBatch(size: number, lagSeconds: number): void {
    this.#relayBatchSize.observe(size);
    this.#relayLag.observe(Math.max(0, lagSeconds));
    this.#relayPublished.inc(size);
  }

  recordRelayFailure(): void {
    this.#relayFailures.inc();
  }

  observeConsumerBatch(size: number, lagSeconds: number): void {
    this.#consumerBatchSize.observe(size);
    this.#consumerLag.observe(Math.max(0, lagSeconds));
    this.#consumerSaved.inc(size);
  }

  /**
   * Reports the outbox depth from now on, probed on scrape (at most once per second). The gauge
   * exists only in a process that uses the outbox: elsewhere it would read a misleading 0.
   */
  watchOutbox(outbox: IssuanceOutbox): void {
    this.#outboxDepth ??= this.probedGauge(PROBED_GAUGES.outboxDepth, () => outbox.depth());
  }

  /** Reports the open failed_issuance count from now on, like watchOutbox. */
  watchFailures(failures: FailedIssuanceRepository): void {
    this.#failedOpen ??= this.probedGauge(PROBED_GAUGES.failedOpen, () => failures.countOpen());
  }

  /**
   * Reports the persistence audit's last figures from now on (issue 22), per campaign: grants
   * without a row and the oldest one's age, rows without a grant; and the repairs done. Read on
   * scrape from the audit's memory: a scrape costs no query.
   */
  watchAudit(audit: AuditFigures): void {
    if (this.#audit) return;
    this.#audit = audit;
    const registers = this.#registers;
    const perCampaign = (
      name: string,
      help: string,
      value: (f: AuditSummary['unclean'][number]) => number,
    ) => {
      const gauge: Gauge<'campaign'> = new Gauge({
        name,
        help,
        labelNames: ['campaign'],
        registers,
        collect: () => {
          gauge.reset();
          for (const finding of audit.summary().unclean) {
            gauge.set({ campaign: finding.campaignId }, value(finding));
          }
        },
      });
    };
    perCampaign(
      'coupon_audit_grants_without_row',
      'Grants the ledger holds and MySQL does not, per campaign, at the last audit',
      (f) => f.missing,
    );
    perCampaign(
      'coupon_audit_oldest_missing_age_seconds',
      'Age of the oldest grant without a row, per campaign, at the last audit',
      (f) => f.oldestMissingAgeMs / 1000,
    );
    perCampaign(
      'coupon_audit_rows_without_grant',
      'Rows MySQL holds without a grant in the ledger (G4: reported, never deleted)',
      (f) => f.foreign,
    );
    let counted = 0;
    const repairs: Counter = new Counter({
      name: 'coupon_audit_repairs_total',
      help: 'Grants without a row re-emitted by the persistence audit of this process',
      registers,
      collect: () => {
        const now = audit.summary().repairs;
        repairs.inc(now - counted);
        counted = now;
      },
    });
  }

  /** A gauge read on scrape through a CachedProbe; a failed read counts under `probe`. */
  private probedGauge(
    { name, help, probe: probeName }: (typeof PROBED_GAUGES)[keyof typeof PROBED_GAUGES],
    read: () => Promise<number>,
  ): CachedProbe {
    const probe = new CachedProbe(read, () => this.#probeErrors.inc({ probe: probeName }));
    const gauge: Gauge = new Gauge({
      name,
      help,
      registers: this.#registers,
      collect: async () => {
        gauge.set(await probe.get());
      },
    });
    return probe;
  }

  async snapshot(): Promise<OperationalSnapshot> {
    const [outboxDepth, failedOpen] = await Promise.all([
      this.#outboxDepth?.get(),
      this.#failedOpen?.get(),
    ]);
    const decisions = Object.fromEntries(
      DECISION_OUTCOMES.map((outcome) => [outcome, this.#decisionSeries.get(outcome)?.value ?? 0]),
    ) as Record<DecisionOutcome, number>;
    return {
      decisions,
      outboxDepth: finiteOrNull(outboxDepth),
      failedOpen: finiteOrNull(failedOpen),
      proofs: this.proofs.snapshot(),
      openings: this.openings.snapshot(),
    };
  }
}

function finiteOrNull(value: number | undefined): number | null {
  return value === undefined || !Number.isFinite(value) ? null : value;
}
