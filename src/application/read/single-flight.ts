/**
 * One computation per key at a time, its result shared by every caller for `ttlMs` (failures
 * too, for `failureTtlMs`, so an outage is not retried once per request). Bounded: past
 * `maxEntries` the oldest entry goes (a Map iterates in insertion order, so it is an LRU when
 * every hit re-inserts its key).
 */
export class SingleFlightCache<K, V> {
  readonly #entries = new Map<K, { until: number; value: Promise<V> }>();

  constructor(
    private readonly options: {
      readonly ttlMs: (value: V) => number;
      readonly failureTtlMs: number;
      readonly maxEntries: number;
      readonly now?: () => number;
    },
  ) {}

  get(key: K, load: () => Promise<V>): Promise<V> {
    const now = (this.options.now ?? Date.now)();
    const hit = this.#entries.get(key);
    if (hit && hit.until > now) {
      this.#entries.delete(key);
      this.#entries.set(key, hit);
      return hit.value;
    }
    const entry = { until: Number.POSITIVE_INFINITY, value: load() };
    this.#entries.set(key, entry);
    this.#evict();
    entry.value.then(
      (value) => {
        entry.until = (this.options.now ?? Date.now)() + this.options.ttlMs(value);
      },
      () => {
        entry.until = (this.options.now ?? Date.now)() + this.options.failureTtlMs;
      },
    );
    return entry.value;
  }

  delete(key: K): void {
    this.#entries.delete(key);
  }

  clear(): void {
    this.#entries.clear();
  }

  get size(): number {
    return this.#entries.size;
  }

  #evict(): void {
    while (this.#entries.size > this.options.maxEntries) {
      const oldest = this.#entries.keys().next();
      if (oldest.done) return;
      this.#entries.delete(oldest.value);
    }
  }
}
