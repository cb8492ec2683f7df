import type { Logger } from '../../application/ports/logger.port.ts';
import type { PointLimiter, RateLimits } from '../../adapters/http/rate-limit.ts';
import { memoryRateLimiter } from '../../adapters/memory/in-memory-rate-limiter.ts';
import {
  connectRedis,
  createRedisClient,
  createRedisCluster,
  type RedisConnection,
} from '../../adapters/redis/redis-client.ts';
import { redisRateLimiter } from '../../adapters/redis/redis-rate-limiter.ts';
import type { Config } from '../config.ts';
import type { Lifecycle } from '../runtime/lifecycle.ts';

/** Requests per second per client; 0 = that route is not limited. */
export interface RateLimitDefaults {
  readonly apply: number;
  readonly status: number;
}

/** `npm start`: zero-config and nothing throttled, so a newcomer's curl loop is never refused. */
export const EMBEDDED_RATE_LIMITS: RateLimitDefaults = { apply: 0, status: 0 };

/**
 * The production API's defaults. In jwt mode a client is a verified user: 5 applies and 20
 * status reads per second are far above what a person's button and a polling page need, and far
 * below what a script needs to matter. In body mode the caller is the trusted gateway whose
 * address every user shares, so a per-address default would throttle the gateway itself: off
 * unless set (with TRUSTED_PROXY_HEADER when the gateway forwards the client address).
 */
export function productionRateLimits(config: Config): RateLimitDefaults {
  return config.AUTH_MODE === 'jwt' ? { apply: 5, status: 20 } : EMBEDDED_RATE_LIMITS;
}

/** The limiter's Redis: its own URL, else the ledger's server or cluster (own connection). */
function limiterRedis(config: Config): RedisConnection | undefined {
  const url = config.RATE_LIMIT_REDIS_URL ?? config.REDIS_URL;
  if (url !== undefined) return createRedisClient(url);
  if (config.REDIS_CLUSTER_NODES !== undefined)
    return createRedisCluster(config.REDIS_CLUSTER_NODES);
  return undefined;
}

/**
 * The per-client limits of the API (RATE_LIMIT_*_PER_SECOND over the entrypoint's defaults), on
 * Redis when the service has one (shared by every API process), in memory otherwise. `undefined`
 * when both routes are off. A Redis that is down at boot does not stop the API: the limiter
 * counts in memory until it connects (see redisRateLimiter).
 */
export async function buildRateLimits(
  config: Config,
  defaults: RateLimitDefaults,
  lifecycle: Lifecycle,
  logger: Logger,
): Promise<RateLimits | undefined> {
  const apply = config.RATE_LIMIT_APPLY_PER_SECOND ?? defaults.apply;
  const status = config.RATE_LIMIT_STATUS_PER_SECOND ?? defaults.status;
  if (apply === 0 && status === 0) return undefined;
  const redis = limiterRedis(config);
  if (redis) {
    lifecycle.onStop('rate-limit-redis', async () => {
      await redis.quit().catch(() => redis.disconnect());
    });
    await connectRedis(redis).catch((error: unknown) => {
      logger.warn({ err: error }, 'rate limiter: Redis not reachable yet, counting in memory');
    });
  } else if (config.REDIS_SENTINELS !== undefined) {
    logger.warn(
      {},
      'rate limiter: counting per process; set RATE_LIMIT_REDIS_URL to share limits across API processes',
    );
  }
  const limiter = (points: number, route: string): PointLimiter | undefined => {
    if (points === 0) return undefined;
    const settings = { points, keyPrefix: `coupon-rl:${route}` };
    return redis ? redisRateLimiter(redis, settings) : memoryRateLimiter(settings);
  };
  const limits = { apply: limiter(apply, 'apply'), status: limiter(status, 'status') };
  logger.info(
    {
      apply,
      status,
      store: redis ? 'redis' : 'memory',
      key: config.AUTH_MODE === 'jwt' ? 'user' : 'address',
    },
    'per-client rate limits on',
  );
  return {
    ...(limits.apply ? { apply: limits.apply } : {}),
    ...(limits.status ? { status: limits.status } : {}),
    ...(config.TRUSTED_PROXY_HEADER !== undefined
      ? { trustedProxyHeader: config.TRUSTED_PROXY_HEADER }
      : {}),
    trustedProxyHops: config.TRUSTED_PROXY_HOPS,
  };
}
