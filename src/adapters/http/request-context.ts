import { randomUUID } from 'node:crypto';
import type { ServerResponse } from 'node:http';
import type { Context, MiddlewareHandler } from 'hono';
import { matchedRoutes } from 'hono/route';
import type { Logger } from '../../application/ports/logger.port.ts';
import type { UserId } from '../../domain/ids.ts';
import type { HttpMetrics } from './http-dependencies.ts';

declare module 'hono' {
  interface ContextVariableMap {
    /** This request's id: the caller's X-Request-Id when it is a sane token, else a UUID. */
    requestId: string;
    /** In AUTH_MODE=jwt: the verified token's subject, the only user id the request may act as. */
    authenticatedUserId: UserId | undefined;
    /** In AUTH_MODE=jwt: the verified token's eligibility claim, when it has one. */
    applicantSegment: string | undefined;
  }
}

/**
 * A caller's request id is reused only when it is a short plain token, so it is safe in a log
 * line and a response header. (hono/request-id's own rule allows `=` and refuses `.`; ours
 * follows the ids a gateway such as Envoy or nginx generates.)
 */
export const REQUEST_ID = /^[A-Za-z0-9._-]{1,64}$/;
const MAX_LOGGED_PATH = 256;

/** The pattern of the route that handled the request (`/campaigns/:campaignId`), or `unmatched`. */
export function handlerRoute(c: Context): string {
  const handler = matchedRoutes(c).findLast((route) => route.method !== 'ALL');
  return handler?.path ?? 'unmatched';
}

/** Node's response when @hono/node-server serves the request; absent under `app.request()`. */
function nodeResponse(c: Context): Pick<ServerResponse, 'setHeader'> | undefined {
  return (c.env as { outgoing?: ServerResponse } | undefined)?.outgoing;
}

/**
 * First middleware of every request: assigns the request id (echoed in `X-Request-Id`), and once
 * the response is known records the request metric (by route pattern, so no user id ever
 * becomes a label value) and writes one `debug` log line (visible with LOG_LEVEL=debug).
 *
 * Cheap on purpose, it runs on every application (docs/benchmarks.md, the profile): the id goes
 * straight onto Node's response, which Node merges into whatever head the handler's Response
 * writes (so no Response can lose it, and no Web Headers object is built for it); the debug line
 * is not even assembled unless debug is on.
 */
export function requestContext(
  logger: Logger,
  metrics: HttpMetrics | undefined,
): MiddlewareHandler {
  const debug = logger.isLevelEnabled?.('debug') ?? true;
  return async (c, next) => {
    const started = performance.now();
    const incoming = c.req.header('x-request-id');
    const requestId = incoming !== undefined && REQUEST_ID.test(incoming) ? incoming : randomUUID();
    c.set('requestId', requestId);
    const node = nodeResponse(c);
    if (node) node.setHeader('X-Request-Id', requestId);
    else c.header('X-Request-Id', requestId);
    await next();
    if (!node && !c.res.headers.has('X-Request-Id')) c.res.headers.set('X-Request-Id', requestId);
    if (!metrics && !debug) return;
    const seconds = (performance.now() - started) / 1000;
    const route = handlerRoute(c);
    const status = c.res.status;
    metrics?.observeRequest(c.req.method, route, status, seconds);
    if (!debug) return;
    // The raw path may hold anything a client sent; pino escapes it as a JSON string, so it can
    // never break this line or forge another one. It is truncated to keep lines bounded.
    logger.debug(
      {
        reqId: requestId,
        method: c.req.method,
        route,
        path: c.req.path.slice(0, MAX_LOGGED_PATH),
        status,
        durationMs: Math.round(seconds * 100_000) / 100,
      },
      'request',
    );
  };
}
