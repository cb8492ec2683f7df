import { RateLimiterRedis } from 'rate-limiter-flexible';
import { memoryRateLimiter, type RateLimiterSettings } from '../memory/in-memory-rate-limiter.ts';
import type { RedisConnection } from './redis-client.ts';

/**
 * A per-second counter per client shared by every API process (one atomic Lua INCR + EXPIRE per
 * request, rate-limiter-flexible's own script). When Redis fails or is not connected the
 * insurance limiter counts in this process's memory instead: the limit then holds per process
 * (N processes let a client through N times as often) but nobody gets a 500 or a 503 because the
 * limiter's store is down. The ledger decides fail-closed on its own; the limiter must not.
 */
export function redisRateLimiter(
  client: RedisConnection,
  settings: RateLimiterSettings,
): RateLimiterRedis {
  return new RateLimiterRedis({
    storeClient: client,
    points: settings.points,
    duration: 1,
    keyPrefix: settings.keyPrefix,
    // Not "ready" (connecting, reconnecting): straight to the insurance, no queued command.
    rejectIfRedisNotReady: true,
    insuranceLimiter: memoryRateLimiter(settings),
  });
}
