import type { MiddlewareHandler } from 'hono';
import { identify, type adminIdentities } from './admin-auth.ts';
import { errorBody } from './error-body.ts';

/** The secret an Authorization header carries: a bearer token, or a Basic password. */
function presented(header: string): string | undefined {
  const bearer = /^Bearer (.+)$/i.exec(header);
  if (bearer) return bearer[1];
  const basic = /^Basic ([A-Za-z0-9+/=]+)$/i.exec(header);
  if (!basic) return undefined;
  const decoded = Buffer.from(basic[1] ?? '', 'base64').toString('utf8');
  const colon = decoded.indexOf(':');
  return colon < 0 ? undefined : decoded.slice(colon + 1);
}

/**
 * The admin token on the report's page, as a bearer token (scripts, curl) or as the password of
 * HTTP Basic (any user name). Basic is what lets a person open the report from a link: a browser
 * cannot add a bearer header to a navigation, but it asks for Basic credentials on its own when
 * the 401 says `Basic`, and sends them again on the page's own requests. The secret is the same
 * admin tokens as `/admin/*` (ADMIN_TOKEN, ADMIN_TOKENS), compared the same way (admin-auth.ts).
 */
export function reportAuth(admins: ReturnType<typeof adminIdentities>): MiddlewareHandler {
  return async (c, next) => {
    const name = identify(admins, presented(c.req.header('authorization') ?? ''));
    if (name === undefined) {
      c.header('WWW-Authenticate', 'Basic realm="coupon admin", charset="UTF-8"');
      c.header('WWW-Authenticate', 'Bearer realm="admin"', { append: true });
      return c.json(errorBody('UNAUTHORIZED', 'a valid admin token is required'), 401);
    }
    c.set('adminName', name);
    await next();
    return undefined;
  };
}
