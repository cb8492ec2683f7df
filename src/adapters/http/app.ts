import { readFileSync } from 'node:fs';
import { OpenAPIHono } from '@hono/zod-openapi';
import type { Context, Env, MiddlewareHandler } from 'hono';
import { bodyLimit } from 'hono/body-limit';
import { HTTPException } from 'hono/http-exception';
import { InfrastructureError } from '../../application/errors.ts';
import { adminIdentities } from './admin-auth.ts';
import { LARGE_BODY, OPTIONAL_BODY } from './admin-paths.ts';
import { ALLOWLIST_BODY_LIMIT_BYTES } from './admin-schemas.ts';
import { registerAdminRoutes } from './admin.route.ts';
import { registerCampaignRoutes } from './campaign.route.ts';
import { registerChallengeRoute } from './challenge.route.ts';
import { registerDashboardRoutes } from './dashboard.route.ts';
import { registerDocsRoutes } from './docs/docs.route.ts';
import { OPENAPI_TAGS, tidyDocument } from './docs/openapi-document.ts';
import { errorBody } from './error-body.ts';
import { registerHealthRoutes } from './health.route.ts';
import type { HttpDependencies, HttpMetrics } from './http-dependencies.ts';
import { registerIssuanceRoutes } from './issuance.route.ts';
import { jwtIdentity } from './jwt-identity.ts';
import { methodNotAllowed } from './method-not-allowed.ts';
import { PATHS } from './paths.ts';
import { registerMetricsRoutes } from './metrics.route.ts';
import { registerReportRoutes } from './report.route.ts';
import { rateLimit } from './rate-limit.ts';
import { handlerRoute, requestContext } from './request-context.ts';
import { requestSpan } from './request-span.ts';
import { validationHook } from './validation-hook.ts';

/**
 * The API's version is the package's (package.json sits three folders up from this file in
 * src/ and in the built dist/ alike): one number to bump, never a second one that drifts.
 */
const PACKAGE_VERSION = (
  JSON.parse(readFileSync(new URL('../../../package.json', import.meta.url), 'utf8')) as {
    version: string;
  }
).version;

const OPENAPI_CONFIG = {
  openapi: '3.1.0',
  info: {
    title: 'Coupon issuance',
    version: PACKAGE_VERSION,
    description:
      'First-come-first-served coupons: Redis decides, Kafka buffers, MySQL keeps.\n\n' +
      'Every GET operation also answers HEAD, with the same status, headers and authentication ' +
      'and no body. A documented path asked with a method it does not list answers 405 ' +
      'METHOD_NOT_ALLOWED with an `Allow` header. Every error has the `Error` shape ' +
      '(`{ error: { code, message, fields? } }`); 429 and 503 carry `Retry-After` (seconds). ' +
      'A service started without ADMIN_TOKEN has no admin operations: `/admin/*` answers 404 ' +
      'ADMIN_DISABLED.',
  },
  tags: [...OPENAPI_TAGS],
};

const APPLY_ROUTE = PATHS.apply;
const STATUS_ROUTE = PATHS.status;

/** Builds the HTTP driving adapter. Pure wiring: every decision is in a use case. */
export function createHttpApp(deps: HttpDependencies): OpenAPIHono {
  const app = new OpenAPIHono<Env>({ defaultHook: validationHook });
  const auth = deps.auth ?? { mode: 'body' };

  // First, when tracing is on: the request's span holds everything below.
  if (deps.traced) app.use('*', requestSpan());
  // Then: every response (even a 413 or a 404) carries the request id and is measured.
  app.use('*', requestContext(deps.logger, deps.metrics));
  app.use('*', methodNotAllowed(app));
  if (adminIdentities(deps).length === 0) {
    // Before the body checks: whatever was sent, the answer is that admin is off, and how to
    // turn it on (a plain "no route" read like a typo in the path).
    app.use('/admin', adminDisabled);
    app.use('/admin/*', adminDisabled);
  }
  if (auth.mode === 'jwt') {
    // Before the body checks: without a valid token nothing about the request matters. HEAD is
    // served by the GET handler (Hono), so it must pass the same identity check.
    const identity = jwtIdentity(auth);
    app.use(APPLY_ROUTE, onlyFor(['POST'], identity));
    app.use(STATUS_ROUTE, onlyFor(['GET', 'HEAD'], identity));
    app.openAPIRegistry.registerComponent('securitySchemes', 'bearerJwt', {
      type: 'http',
      scheme: 'bearer',
      bearerFormat: 'JWT',
      description: `The user is the token's \`sub\` (${auth.algorithm}).`,
    });
  }
  // After identity (jwt mode counts the verified user) and before the body checks, so a flood of
  // malformed requests is limited too.
  const limits = deps.rateLimits;
  if (limits?.apply) {
    app.use(APPLY_ROUTE, onlyFor(['POST'], rateLimit(limits.apply, limits, deps.logger)));
  }
  if (limits?.status) {
    const status = rateLimit(limits.status, limits, deps.logger);
    app.use(STATUS_ROUTE, onlyFor(['GET', 'HEAD'], status));
    app.use(PATHS.challenge, onlyFor(['GET', 'HEAD'], status));
  }
  // In jwt mode the apply body is optional (the token says who applies), so a POST with no
  // body at all is let through to its validator.
  app.use(
    '*',
    bodyChecks(
      (c) => (LARGE_BODY.has(handlerRoute(c)) ? ALLOWLIST_BODY_LIMIT_BYTES : deps.bodyLimitBytes),
      (c) =>
        (auth.mode === 'jwt' && handlerRoute(c) === APPLY_ROUTE) ||
        OPTIONAL_BODY.has(handlerRoute(c)),
    ),
  );

  registerHealthRoutes(app, deps);
  registerIssuanceRoutes(app, deps);
  registerChallengeRoute(app, deps);
  registerCampaignRoutes(app, deps);
  registerAdminRoutes(app, deps);
  registerReportRoutes(app, deps);
  if (deps.metrics) registerMetricsRoutes(app, deps.metrics);
  registerDashboardRoutes(app);
  registerDocsRoutes(app);

  app.openAPIRegistry.registerPath({
    method: 'get',
    path: '/openapi.json',
    summary: 'This document (OpenAPI 3.1, generated from the validation schemas)',
    tags: ['docs'],
    responses: {
      200: { description: 'The OpenAPI document', content: { 'application/json': { schema: {} } } },
    },
  });
  // Generated once, on the first request (every route is registered by then), and tidied:
  // each operation under a tag that reads well (tidyDocument).
  let document: object | undefined;
  app.get('/openapi.json', (c) =>
    c.json((document ??= tidyDocument(app.getOpenAPI31Document(OPENAPI_CONFIG)))),
  );

  app.notFound((c) =>
    c.json(errorBody('NOT_FOUND', `no route for ${c.req.method} ${c.req.path}`), 404),
  );
  app.onError((error, c) => mapError(error, c, deps));
  return app;
}

/**
 * The ops-only app of a process without the public API (the consumer): liveness, readiness
 * and `/metrics`, with the same request ids and request metrics.
 */
export function createOpsApp(
  deps: Pick<HttpDependencies, 'healthChecks' | 'logger'> & { readonly metrics: HttpMetrics },
): OpenAPIHono {
  const app = new OpenAPIHono();
  app.use('*', requestContext(deps.logger, deps.metrics));
  registerHealthRoutes(app, deps);
  registerMetricsRoutes(app, deps.metrics);
  app.notFound((c) =>
    c.json(errorBody('NOT_FOUND', `no route for ${c.req.method} ${c.req.path}`), 404),
  );
  app.onError((error, c) => mapError(error, c, deps));
  return app;
}

/**
 * The checks every body passes before validation, in one middleware (each middleware is a layer
 * of Hono's chain on every request): a body that is not JSON is refused first (415, with its own
 * stable code), then one over the limit (413).
 *
 * The body limit is cheap for the common case. A request that declares its length is judged by
 * that header alone: Node's parser never hands a handler more bytes than Content-Length says,
 * so nothing needs to stream the body through a counter, and the body stays unread for the
 * handler. Hono's `bodyLimit` would read `c.req.raw.body`, which makes @hono/node-server build a
 * full Web Request for every application (its most expensive step). A body without a declared
 * length (chunked) still goes through `bodyLimit`, which counts it as it streams.
 */
function bodyChecks(
  limitOf: (c: Context) => number,
  mayBeEmpty: (c: Context) => boolean,
): MiddlewareHandler {
  const tooLarge = (maxBytes: number) => (c: Context) =>
    c.json(errorBody('PAYLOAD_TOO_LARGE', `the body exceeds ${maxBytes} bytes`), 413);
  // One streaming counter per limit (two at most: the default and the allowlist's).
  const streamings = new Map<number, MiddlewareHandler>();
  return async (c, next) => {
    const method = c.req.method;
    if (method === 'GET' || method === 'HEAD') return next();
    const maxBytes = limitOf(c);
    const declared = c.req.header('content-length');
    const chunked = c.req.header('transfer-encoding') !== undefined;
    if (method === 'POST' || method === 'PUT' || method === 'PATCH') {
      const type = c.req.header('content-type');
      const empty = type === undefined && !chunked && (declared ?? '0') === '0';
      if (!(empty && mayBeEmpty(c)) && !JSON_TYPE.test(type ?? '')) {
        return c.json(
          errorBody('UNSUPPORTED_MEDIA_TYPE', 'send the body as application/json'),
          415,
        );
      }
    }
    if (declared !== undefined && !chunked) {
      const length = Number(declared);
      if (Number.isSafeInteger(length) && length >= 0) {
        return length > maxBytes ? tooLarge(maxBytes)(c) : next();
      }
    }
    let streaming = streamings.get(maxBytes);
    if (!streaming) {
      streaming = bodyLimit({ maxSize: maxBytes, onError: tooLarge(maxBytes) });
      streamings.set(maxBytes, streaming);
    }
    return streaming(c, next);
  };
}

const JSON_TYPE = /^application\/json\s*(;|$)/i;

/** `/admin/*` of a service started without ADMIN_TOKEN. */
const adminDisabled: MiddlewareHandler = async (c) =>
  c.json(
    errorBody(
      'ADMIN_DISABLED',
      'admin is disabled on this service: start it with ADMIN_TOKEN set (at least 16 ' +
        'characters) to enable /admin/*',
    ),
    404,
  );

function onlyFor(methods: readonly string[], middleware: MiddlewareHandler): MiddlewareHandler {
  return (c, next) => (methods.includes(c.req.method) ? middleware(c, next) : next());
}

/** Infrastructure failures map once, here, to a 5xx with a stable code (fail closed). */
function mapError(error: Error, c: Context, deps: Pick<HttpDependencies, 'logger'>): Response {
  const where = { reqId: c.get('requestId'), method: c.req.method, route: handlerRoute(c) };
  if (error instanceof HTTPException) {
    if (error.status === 400) {
      return c.json(errorBody('MALFORMED_JSON', 'the body is not valid JSON'), 400);
    }
    return c.json(errorBody('HTTP_ERROR', error.message), error.status);
  }
  if (error instanceof InfrastructureError) {
    // `err` is serialised with its cause chain (pino's errWithCause): the driver's own error.
    deps.logger.warn(
      { err: error, ...where, path: c.req.path.slice(0, 256) },
      'dependency unavailable',
    );
    c.header('Retry-After', '1');
    return c.json(errorBody(error.code, error.message), 503);
  }
  deps.logger.error({ err: error, ...where, path: c.req.path.slice(0, 256) }, 'unhandled error');
  return c.json(errorBody('INTERNAL', 'internal error'), 500);
}
