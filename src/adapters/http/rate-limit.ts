import type { Context, MiddlewareHandler } from 'hono';
import type { Logger } from '../../application/ports/logger.port.ts';
import { clientAddress, type ClientAddressSettings } from './client-address.ts';
import { errorBody } from './error-body.ts';

/**
 * What the middleware needs from a limiter: rate-limiter-flexible's `consume`, which resolves
 * while the key has points left and rejects with the limiter's result (`msBeforeNext`) when it
 * has none, or with an Error when the store failed and no insurance limiter took over.
 */
export interface PointLimiter {
  readonly points: number;
  consume(key: string): Promise<unknown>;
}

/** The two limited routes; a limiter absent = that route is not limited. */
export interface RateLimits extends ClientAddressSettings {
  readonly apply?: PointLimiter;
  readonly status?: PointLimiter;
}

/**
 * The client a request counts against: the verified user in jwt mode (the identity middleware
 * runs first and set it), else the client address. Prefixed so a user id can never collide with
 * an address.
 */
export function clientKey(c: Context, settings: ClientAddressSettings): string {
  const user = c.get('authenticatedUserId');
  return user !== undefined ? `user:${user}` : `addr:${clientAddress(c, settings)}`;
}

/**
 * 429 RATE_LIMITED with Retry-After (whole seconds, at least 1) once a client spent its points.
 * A limiter whose store fails has an in-memory insurance limiter (see the Redis adapter); if even
 * that fails the request is let through and logged: rate limiting protects the service, so it
 * must never be the reason a legitimate request gets a 500 (fail open).
 */
export function rateLimit(
  limiter: PointLimiter,
  settings: ClientAddressSettings,
  logger: Logger,
): MiddlewareHandler {
  return async (c, next) => {
    const key = clientKey(c, settings);
    try {
      await limiter.consume(key);
    } catch (rejection) {
      if (rejection instanceof Error) {
        logger.warn({ err: rejection }, 'rate limiter unavailable: request let through');
        return next();
      }
      const waitMs = msBeforeNext(rejection);
      c.header('Retry-After', String(Math.max(1, Math.ceil(waitMs / 1000))));
      c.header('RateLimit-Policy', `${limiter.points};w=1`);
      return c.json(
        errorBody('RATE_LIMITED', `too many requests from this client; retry in ${waitMs} ms`),
        429,
      );
    }
    return next();
  };
}

function msBeforeNext(rejection: unknown): number {
  const ms =
    typeof rejection === 'object' && rejection !== null && 'msBeforeNext' in rejection
      ? Number(rejection.msBeforeNext)
      : NaN;
  return Number.isFinite(ms) && ms >= 0 ? Math.round(ms) : 1000;
}
