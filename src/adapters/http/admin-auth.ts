import { createHash, timingSafeEqual } from 'node:crypto';
import type { Context, MiddlewareHandler } from 'hono';
import { errorBody } from './error-body.ts';
import type { HttpDependencies } from './http-dependencies.ts';

declare module 'hono' {
  interface ContextVariableMap {
    /** The admin identity whose token the request carried: the audit trail's actor. */
    adminName: string;
  }
}

/** The name ADMIN_TOKEN acts as in the audit trail. */
export const DEFAULT_ADMIN_NAME = 'admin';

/** One admin: a name for the audit trail, and the digest of its token. */
interface AdminIdentity {
  readonly name: string;
  readonly digest: Buffer;
}

const digest = (value: string) => createHash('sha256').update(value).digest();

/** Every admin the service accepts: ADMIN_TOKEN as `admin`, then each of ADMIN_TOKENS by name. */
export function adminIdentities(
  deps: Pick<HttpDependencies, 'adminToken' | 'adminTokens'>,
): AdminIdentity[] {
  const named = Object.entries(deps.adminTokens ?? {});
  const all = deps.adminToken ? [[DEFAULT_ADMIN_NAME, deps.adminToken] as const, ...named] : named;
  return all.map(([name, token]) => ({ name, digest: digest(token) }));
}

/**
 * The admin whose token `secret` is, compared in constant time: both sides are hashed first, so
 * that neither the content nor the length of a token leaks through response timing, and every
 * identity is compared whichever matches.
 */
export function identify(
  admins: readonly AdminIdentity[],
  secret: string | undefined,
): string | undefined {
  if (secret === undefined) return undefined;
  const given = digest(secret);
  let found: string | undefined;
  for (const admin of admins) {
    if (timingSafeEqual(given, admin.digest)) found ??= admin.name;
  }
  return found;
}

/** A bearer token of one of the admins; the request then acts as that admin (`adminName`). */
export function adminAuth(admins: readonly AdminIdentity[]): MiddlewareHandler {
  return async (c, next) => {
    const match = /^Bearer (.+)$/i.exec(c.req.header('authorization') ?? '');
    const name = identify(admins, match?.[1]);
    if (name === undefined) {
      c.header('WWW-Authenticate', 'Bearer realm="admin"');
      return c.json(errorBody('UNAUTHORIZED', 'a valid admin bearer token is required'), 401);
    }
    c.set('adminName', name);
    await next();
    return undefined;
  };
}

/** The admin a handler acts as (set by adminAuth, which every `/admin/*` route is behind). */
export function actor(c: Context): string {
  const name = c.get('adminName');
  // Unreachable behind the middleware; fail closed rather than act as nobody.
  if (!name) throw new Error('admin route without the admin middleware');
  return name;
}
