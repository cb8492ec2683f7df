import type { Registry } from 'prom-client';

/**
 * Counters and histograms for the apply path, cheap enough to touch on every request, exposed
 * through prom-client's own registry and text format.
 *
 * prom-client's `observe({ method, route }, v)` validates the label object and hashes it (sorted
 * keys joined into a string) on every call: a few microseconds, measurable at thousands of
 * requests per second (docs/benchmarks.md). Here a call site asks once for the series of its
 * label values (`series(...)`, a Map lookup on a joined key) and then only adds numbers. The
 * label values are closed sets (route patterns, outcomes, operations), so the Map stays small.
 * The exposition is prom-client's: these objects are registered metrics whose `get()` returns
 * the same sample shape prom-client's Counter and Histogram return.
 */
interface Sample {
  readonly metricName?: string;
  readonly labels: Record<string, string | number>;
  readonly sharedLabels?: Record<string, string>;
  readonly value: number;
}

interface MetricData {
  readonly name: string;
  readonly help: string;
  readonly type: 'counter' | 'histogram';
  readonly aggregator: 'sum';
  readonly values: Sample[];
}

abstract class LabelledMetric<L extends string, S> {
  readonly aggregator = 'sum' as const;
  readonly #series = new Map<string, { labels: Record<L, string>; state: S }>();

  constructor(
    readonly name: string,
    readonly help: string,
    private readonly labelNames: readonly L[],
    registry: Registry,
  ) {
    // prom-client registers any object with a name and get(); the registry formats its samples.
    registry.registerMetric(this as never);
  }

  /** The series of these label values (created at zero on first use). Keep it when you can. */
  series(...values: string[]): S {
    const key = values.join('\u0000');
    let entry = this.#series.get(key);
    if (!entry) {
      const labels = Object.fromEntries(this.labelNames.map((n, i) => [n, values[i]])) as Record<
        L,
        string
      >;
      entry = { labels, state: this.initial() };
      this.#series.set(key, entry);
    }
    return entry.state;
  }

  protected abstract initial(): S;
  protected abstract samples(labels: Record<L, string>, state: S): Sample[];
  abstract readonly type: 'counter' | 'histogram';

  get(): Promise<MetricData> {
    const values = [...this.#series.values()].flatMap(({ labels, state }) =>
      this.samples(labels, state),
    );
    return Promise.resolve({
      name: this.name,
      help: this.help,
      type: this.type,
      aggregator: this.aggregator,
      values,
    });
  }

  reset(): void {
    this.#series.clear();
  }
}

/** One counter series: `add()` is all a hot path does. */
export class CounterSeries {
  value = 0;
  add(by = 1): void {
    this.value += by;
  }
}

export class LabelledCounter<L extends string> extends LabelledMetric<L, CounterSeries> {
  readonly type = 'counter' as const;
  protected initial(): CounterSeries {
    return new CounterSeries();
  }
  protected samples(labels: Record<L, string>, state: CounterSeries): Sample[] {
    return [{ labels, value: state.value }];
  }
}

/** One histogram series: per-bucket counts (not cumulative), the sum and the count. */
export class HistogramSeries {
  readonly counts: Float64Array;
  sum = 0;
  count = 0;
  constructor(private readonly bounds: readonly number[]) {
    this.counts = new Float64Array(bounds.length);
  }
  observe(value: number): void {
    if (!Number.isFinite(value)) return;
    this.sum += value;
    this.count += 1;
    const bounds = this.bounds;
    for (let i = 0; i < bounds.length; i++) {
      if (value <= bounds[i]!) {
        this.counts[i]! += 1;
        return;
      }
    }
  }
}

export class LabelledHistogram<L extends string> extends LabelledMetric<L, HistogramSeries> {
  readonly type = 'histogram' as const;

  constructor(
    name: string,
    help: string,
    labelNames: readonly L[],
    private readonly buckets: readonly number[],
    registry: Registry,
  ) {
    super(name, help, labelNames, registry);
  }

  protected initial(): HistogramSeries {
    return new HistogramSeries(this.buckets);
  }

  /** prom-client's layout: `le` first, then the series' labels; cumulative buckets, +Inf, sum, count. */
  protected samples(labels: Record<L, string>, state: HistogramSeries): Sample[] {
    const bucket = `${this.name}_bucket`;
    let cumulative = 0;
    const values: Sample[] = this.buckets.map((le, i) => {
      cumulative += state.counts[i]!;
      return { metricName: bucket, labels: { le }, sharedLabels: labels, value: cumulative };
    });
    values.push(
      { metricName: bucket, labels: { le: '+Inf' }, sharedLabels: labels, value: state.count },
      { metricName: `${this.name}_sum`, labels: {}, sharedLabels: labels, value: state.sum },
      { metricName: `${this.name}_count`, labels: {}, sharedLabels: labels, value: state.count },
    );
    return values;
  }
}
