export interface WaitOptions {
  /** Give up after this long (the caller's convergence budget, not a sleep). */
  readonly timeoutMs?: number;
  readonly intervalMs?: number;
  /** What was last seen, for the failure message (e.g. "rows 812, redis 1000, outbox 188"). */
  readonly state?: () => string;
}

/**
 * Polls `check` until it returns something other than `undefined`, and returns that. A check that
 * throws counts as "not yet": the services it reads may be restarting. Fails with what it waited
 * for, the last state seen and the last error, so a test never hides a hang behind a sleep.
 */
export async function waitFor<T>(
  what: string,
  check: () => Promise<T | undefined>,
  { timeoutMs = 60_000, intervalMs = 200, state }: WaitOptions = {},
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let lastError: unknown;
  for (;;) {
    try {
      const value = await check();
      if (value !== undefined) return value;
    } catch (error) {
      lastError = error;
    }
    if (Date.now() > deadline) {
      const seen = state ? `; last seen: ${state()}` : '';
      const failed = lastError instanceof Error ? `; last error: ${lastError.message}` : '';
      throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}${seen}${failed}`);
    }
    await new Promise((resolve) => setTimeout(resolve, intervalMs));
  }
}
