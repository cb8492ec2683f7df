import { createHash, timingSafeEqual } from 'node:crypto';
import type { MiddlewareHandler } from 'hono';
import { errorBody } from './error-body.ts';

/**
 * Bearer-token check compared in constant time: both sides are hashed first so that neither the
 * content nor the length of the token leaks through response timing.
 */
export function adminAuth(token: string): MiddlewareHandler {
  const expected = createHash('sha256').update(token).digest();
  return async (c, next) => {
    const header = c.req.header('authorization') ?? '';
    const match = /^Bearer (.+)$/i.exec(header);
    const given = createHash('sha256')
      .update(match?.[1] ?? '')
      .digest();
    if (!match || !timingSafeEqual(given, expected)) {
      c.header('WWW-Authenticate', 'Bearer realm="admin"');
      return c.json(errorBody('UNAUTHORIZED', 'a valid admin bearer token is required'), 401);
    }
    await next();
    return undefined;
  };
}
