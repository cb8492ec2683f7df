/**
 * Shares one result among all callers for `ttlMs` (and one in-flight load among concurrent
 * callers). For public read-only endpoints that fan out to the stores: however many dashboards
 * poll, the stores see at most one load per TTL. Failures are not kept.
 */
export function sharedFor<T>(ttlMs: number, load: () => Promise<T>): () => Promise<T> {
  let kept: { at: number; value: T } | undefined;
  let pending: Promise<T> | undefined;
  return () => {
    if (kept && performance.now() - kept.at < ttlMs) return Promise.resolve(kept.value);
    pending ??= load()
      .then((value) => {
        kept = { at: performance.now(), value };
        return value;
      })
      .finally(() => {
        pending = undefined;
      });
    return pending;
  };
}
