import type { Hono, MiddlewareHandler } from 'hono';
import { errorBody } from './error-body.ts';
import { handlerRoute } from './request-context.ts';

interface KnownPath {
  readonly pattern: RegExp;
  readonly allow: string;
}

/** `/campaigns/:campaignId` → a regex for one path segment per parameter (Hono's default). */
function patternOf(path: string): RegExp {
  const source = path
    .split('/')
    .map((segment) =>
      segment.startsWith(':') ? '[^/]+' : segment.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'),
    )
    .join('/');
  return new RegExp(`^${source}$`);
}

/** Every handler path with the methods it answers; HEAD wherever GET is (Hono serves it). */
function knownPaths(app: Pick<Hono, 'routes'>): KnownPath[] {
  const methods = new Map<string, Set<string>>();
  for (const route of app.routes) {
    if (route.method === 'ALL') continue; // middleware, not a handler
    const set = methods.get(route.path) ?? new Set<string>();
    set.add(route.method);
    if (route.method === 'GET') set.add('HEAD');
    methods.set(route.path, set);
  }
  return [...methods].map(([path, set]) => ({
    pattern: patternOf(path),
    allow: [...set].sort().join(', '),
  }));
}

/**
 * RFC 9110 §15.5.6: a path this API serves, asked with a method it does not declare, is 405 with
 * `Allow` (not 404: the resource exists). Installed first, so it answers before authentication or
 * body checks that do not apply to a method the path never takes. The table is built on the first
 * request, when every route has been registered.
 */
export function methodNotAllowed(app: Pick<Hono, 'routes'>): MiddlewareHandler {
  let paths: KnownPath[] | undefined;
  return async (c, next) => {
    if (handlerRoute(c) !== 'unmatched') return next();
    paths ??= knownPaths(app);
    const known = paths.find((p) => p.pattern.test(c.req.path));
    if (!known) return next();
    c.header('Allow', known.allow);
    return c.json(
      errorBody(
        'METHOD_NOT_ALLOWED',
        `${c.req.method} is not allowed here; allowed: ${known.allow}`,
      ),
      405,
    );
  };
}
