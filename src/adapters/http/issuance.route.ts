import { createRoute, type OpenAPIHono } from '@hono/zod-openapi';
import type { Context } from 'hono';
import type { CampaignId, UserId } from '../../domain/ids.ts';
import { applyOutcomeResponse } from './apply-outcome-response.ts';
import type { HttpDependencies } from './http-dependencies.ts';
import {
  AlreadyIssuedSchema,
  ApplyBody,
  ApplyBodyJwt,
  ApplyRejectedSchema,
  CampaignParams,
  ErrorSchema,
  IssuanceParams,
  IssuanceStatusSchema,
  IssuedSchema,
} from './schemas.ts';
import { errorBody } from './error-body.ts';
import { validationHook } from './validation-hook.ts';
import { BODY_CHECKS, json, RATE_LIMITED, unavailable } from './documented-responses.ts';

const ledgerUnavailable = unavailable('LEDGER_UNAVAILABLE, LEDGER_NOT_READY or STORE_UNAVAILABLE');

const applyResponses = {
  201: json(IssuedSchema, 'Coupon issued; it will be persisted asynchronously'),
  ...BODY_CHECKS,
  403: json(ApplyRejectedSchema, 'NOT_OPEN or CLOSED'),
  404: json(ApplyRejectedSchema, 'CAMPAIGN_NOT_FOUND'),
  409: json(AlreadyIssuedSchema, "ALREADY_ISSUED, with the holder's coupon (sequence, issuedAt)"),
  410: json(ApplyRejectedSchema, 'SOLD_OUT'),
  429: RATE_LIMITED,
  503: ledgerUnavailable,
};
const applySummary = 'Apply for a coupon (first come, first served; one per user)';
/** Hono's form of the apply route's path (the OpenAPI form is `{campaignId}`). */
const APPLY_PATH = '/campaigns/:campaignId/issuances';

/** AUTH_MODE=body: the user id is the body's (trusted callers behind a gateway). */
const applyRoute = createRoute({
  method: 'post',
  path: '/campaigns/{campaignId}/issuances',
  summary: applySummary,
  request: {
    params: CampaignParams,
    body: { content: { 'application/json': { schema: ApplyBody } }, required: true },
  },
  responses: applyResponses,
});

/** AUTH_MODE=jwt: the user id is the token's `sub`; the body (optional) may only repeat it. */
const applyRouteJwt = createRoute({
  method: 'post',
  path: '/campaigns/{campaignId}/issuances',
  summary: applySummary,
  description:
    "The user is the verified bearer token's `sub`. The body may be omitted; a `userId` in it " +
    'must equal `sub`.',
  security: [{ bearerJwt: [] }],
  request: {
    params: CampaignParams,
    body: { content: { 'application/json': { schema: ApplyBodyJwt } }, required: false },
  },
  responses: {
    ...applyResponses,
    401: json(ErrorSchema, 'UNAUTHORIZED (missing, invalid or expired token) or INVALID_SUBJECT'),
    403: json(ApplyRejectedSchema, 'NOT_OPEN, CLOSED, or USER_MISMATCH (body userId is not sub)'),
  },
});

const statusResponses = {
  200: json(IssuanceStatusSchema, 'The status'),
  400: json(ErrorSchema, 'Invalid id'),
  404: json(ErrorSchema, 'CAMPAIGN_NOT_FOUND'),
  429: RATE_LIMITED,
  503: ledgerUnavailable,
};
const statusSummary = "A user's coupon: ISSUED (persisted or pending) or NOT_ISSUED";

const statusRoute = createRoute({
  method: 'get',
  path: '/campaigns/{campaignId}/issuances/{userId}',
  summary: statusSummary,
  request: { params: IssuanceParams },
  responses: statusResponses,
});

const statusRouteJwt = createRoute({
  method: 'get',
  path: '/campaigns/{campaignId}/issuances/{userId}',
  summary: statusSummary,
  description: "Only for the token's own user: `userId` must equal the verified `sub`.",
  security: [{ bearerJwt: [] }],
  request: { params: IssuanceParams },
  responses: {
    ...statusResponses,
    401: json(ErrorSchema, 'UNAUTHORIZED or INVALID_SUBJECT'),
    403: json(ErrorSchema, 'USER_MISMATCH (userId is not the token subject)'),
  },
});

const NOT_READY_MESSAGE =
  'the ledger is being reconciled with the durable record for this campaign; retry shortly';

const mismatch = (what: string) =>
  errorBody('USER_MISMATCH', `the ${what} differs from the authenticated user (token sub)`);

export function registerIssuanceRoutes(app: OpenAPIHono, deps: HttpDependencies): void {
  const apply = async (c: Context, campaignId: CampaignId, userId: UserId) => {
    const outcome = await deps.applyForCoupon.execute(campaignId, userId);
    const { status, body } = applyOutcomeResponse(campaignId, userId, outcome);
    // LEDGER_NOT_READY: the ledger is being reconciled in the background, usually within a second.
    if (status === 503) c.header('Retry-After', '1');
    return c.json(body as never, status);
  };
  const status = async (c: Context, campaignId: CampaignId, userId: UserId) => {
    const status = await deps.getIssuanceStatus.execute(campaignId, userId);
    if (status.kind === 'unknown-campaign') {
      return c.json(errorBody('CAMPAIGN_NOT_FOUND', 'no such campaign'), 404);
    }
    if (status.kind === 'ledger-not-ready') {
      c.header('Retry-After', '1');
      return c.json(errorBody('LEDGER_NOT_READY', NOT_READY_MESSAGE), 503);
    }
    if (status.kind === 'not-issued') {
      return c.json({ status: 'NOT_ISSUED' as const, campaignId, userId }, 200);
    }
    return c.json(
      {
        status: 'ISSUED' as const,
        campaignId,
        userId,
        sequence: status.sequence,
        persisted: status.persisted,
        ...(status.issuedAt ? { issuedAt: status.issuedAt.toISOString() } : {}),
      },
      200,
    );
  };

  if (deps.auth?.mode !== 'jwt') {
    // The hot path: documented like every route, but validated in its handler with the same
    // schemas and hook instead of app.openapi's three validator middlewares (param, media type,
    // JSON), each a layer of Hono's chain on every application (docs/benchmarks.md). The media
    // type was already checked (app.ts, bodyChecks); the answers are the same.
    app.openAPIRegistry.registerPath(applyRoute);
    app.post(APPLY_PATH, async (c) => {
      const params = CampaignParams.safeParse({ campaignId: c.req.param('campaignId') });
      if (!params.success) return validationHook(params, c)!;
      let json: unknown;
      try {
        json = await c.req.json();
      } catch {
        return c.json(errorBody('MALFORMED_JSON', 'the body is not valid JSON'), 400);
      }
      const body = ApplyBody.safeParse(json);
      if (!body.success) return validationHook(body, c)!;
      return apply(c, params.data.campaignId as CampaignId, body.data.userId as UserId);
    });
    app.openapi(statusRoute, async (c) => {
      const params = c.req.valid('param');
      return status(c, params.campaignId as CampaignId, params.userId as UserId);
    });
    return;
  }

  // jwt mode: `authenticatedUserId` was set by the jwtIdentity middleware (see app.ts), which
  // answered 401 already when there was no valid token.
  app.openapi(applyRouteJwt, async (c) => {
    const campaignId = c.req.valid('param').campaignId as CampaignId;
    const subject = authenticated(c);
    const claimed = c.req.valid('json').userId;
    if (claimed !== undefined && claimed !== subject) {
      // The apply error shape (status, campaignId, userId = the authenticated user, error).
      const body = {
        status: 'USER_MISMATCH',
        campaignId,
        userId: subject,
        ...mismatch("body's userId"),
      };
      return c.json(body, 403);
    }
    return apply(c, campaignId, subject);
  });
  app.openapi(statusRouteJwt, async (c) => {
    const params = c.req.valid('param');
    const subject = authenticated(c);
    if (params.userId !== subject) return c.json(mismatch('userId in the path'), 403);
    return status(c, params.campaignId as CampaignId, subject);
  });
}

function authenticated(c: Context): UserId {
  const subject = c.get('authenticatedUserId');
  // Unreachable when the middleware is installed; fail closed rather than act as nobody.
  if (subject === undefined) throw new Error('jwt mode without the identity middleware');
  return subject;
}
