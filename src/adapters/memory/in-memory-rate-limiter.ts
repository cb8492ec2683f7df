import { RateLimiterMemory } from 'rate-limiter-flexible';

export interface RateLimiterSettings {
  /** Requests per second per key. */
  readonly points: number;
  /** Keeps each route's counters apart (`coupon-rl:apply:<client>`). */
  readonly keyPrefix: string;
}

/**
 * A per-second counter per client in this process's memory: the limiter of a single process (the
 * embedded service) and the insurance of the Redis limiter while Redis is unreachable.
 */
export function memoryRateLimiter(settings: RateLimiterSettings): RateLimiterMemory {
  return new RateLimiterMemory({
    points: settings.points,
    duration: 1,
    keyPrefix: settings.keyPrefix,
  });
}
