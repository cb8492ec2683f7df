/** How long a probed value (outbox depth, open failures) is reused: scrapes + dashboards share it. */
const PROBE_TTL_MS = 1000;
/** A probe that does not answer in time reports NaN rather than holding the scrape. */
const PROBE_TIMEOUT_MS = 1000;

/**
 * A number read from a dependency at most once per TTL, shared by concurrent readers, bounded
 * by a timeout: a slow Redis or MySQL must not hold a scrape (or the dashboard) hostage. A
 * failure reads as NaN (Prometheus shows the gap) and is counted.
 */
export class CachedProbe {
  #value: number | undefined;
  #readAt = -Infinity;
  #pending: Promise<number> | undefined;

  constructor(
    private readonly read: () => Promise<number>,
    private readonly onError: () => void,
  ) {}

  get(): Promise<number> {
    if (this.#value !== undefined && performance.now() - this.#readAt < PROBE_TTL_MS) {
      return Promise.resolve(this.#value);
    }
    this.#pending ??= this.refresh().finally(() => {
      this.#pending = undefined;
    });
    return this.#pending;
  }

  private async refresh(): Promise<number> {
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error('probe timed out')), PROBE_TIMEOUT_MS);
    });
    try {
      this.#value = await Promise.race([this.read(), timeout]);
    } catch {
      this.onError();
      this.#value = Number.NaN;
    } finally {
      clearTimeout(timer);
    }
    this.#readAt = performance.now();
    return this.#value;
  }
}
