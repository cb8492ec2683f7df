import { OpenAPIHono } from '@hono/zod-openapi';
import type { Context } from 'hono';
import { bodyLimit } from 'hono/body-limit';
import { HTTPException } from 'hono/http-exception';
import { InfrastructureError } from '../../application/errors.ts';
import { registerAdminRoutes } from './admin.route.ts';
import { registerCampaignRoutes } from './campaign.route.ts';
import { errorBody } from './error-body.ts';
import { registerHealthRoutes } from './health.route.ts';
import type { HttpDependencies } from './http-dependencies.ts';
import { registerIssuanceRoutes } from './issuance.route.ts';
import { validationHook } from './validation-hook.ts';

/** Builds the HTTP driving adapter. Pure wiring: every decision is in a use case. */
export function createHttpApp(deps: HttpDependencies): OpenAPIHono {
  const app = new OpenAPIHono({ defaultHook: validationHook });

  app.use('*', requireJsonBody);
  app.use(
    '*',
    bodyLimit({
      maxSize: deps.bodyLimitBytes,
      onError: (c) =>
        c.json(errorBody('PAYLOAD_TOO_LARGE', `the body exceeds ${deps.bodyLimitBytes} bytes`), 413),
    }),
  );

  registerHealthRoutes(app, deps);
  registerIssuanceRoutes(app, deps);
  registerCampaignRoutes(app, deps);
  registerAdminRoutes(app, deps);

  app.doc31('/openapi.json', {
    openapi: '3.1.0',
    info: {
      title: 'Coupon issuance',
      version: '1.0.0',
      description: 'First-come-first-served coupons: Redis decides, Kafka buffers, MySQL keeps.',
    },
  });

  app.notFound((c) => c.json(errorBody('NOT_FOUND', `no route for ${c.req.method} ${c.req.path}`), 404));
  app.onError((error, c) => mapError(error, c, deps));
  return app;
}

/** A body that is not JSON is refused before validation, with its own stable code. */
async function requireJsonBody(c: Context, next: () => Promise<void>) {
  if (c.req.method === 'POST' || c.req.method === 'PUT' || c.req.method === 'PATCH') {
    const type = c.req.header('content-type') ?? '';
    if (!/^application\/json\s*(;|$)/i.test(type)) {
      return c.json(errorBody('UNSUPPORTED_MEDIA_TYPE', 'send the body as application/json'), 415);
    }
  }
  await next();
  return undefined;
}

/** Infrastructure failures map once, here, to a 5xx with a stable code (fail closed). */
function mapError(error: Error, c: Context, deps: HttpDependencies): Response {
  if (error instanceof HTTPException) {
    if (error.status === 400) {
      return c.json(errorBody('MALFORMED_JSON', 'the body is not valid JSON'), 400);
    }
    return c.json(errorBody('HTTP_ERROR', error.message), error.status);
  }
  if (error instanceof InfrastructureError) {
    deps.logger.warn({ err: error, path: c.req.path }, 'dependency unavailable');
    c.header('Retry-After', '1');
    return c.json(errorBody(error.code, error.message), 503);
  }
  deps.logger.error({ err: error, path: c.req.path }, 'unhandled error');
  return c.json(errorBody('INTERNAL', 'internal error'), 500);
}
