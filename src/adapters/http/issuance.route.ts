import { createRoute, type OpenAPIHono } from '@hono/zod-openapi';
import type { Context } from 'hono';
import type { SettledAnswer } from '../../application/ports/issuance-ledger.port.ts';
import type { CampaignId, UserId } from '../../domain/ids.ts';
import { admissionRefusal, PROOF_HEADER } from './admission-response.ts';
import { applyOutcomeResponse } from './apply-outcome-response.ts';
import { errorBody } from './error-body.ts';
import { CAMPAIGN_NOT_FOUND, LEDGER_NOT_READY } from './error-messages.ts';
import type { HttpDependencies } from './http-dependencies.ts';
import { openApiPath, PATHS } from './paths.ts';
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
  ProofHeaders,
} from './schemas.ts';
import { validationHook } from './validation-hook.ts';
import { BODY_CHECKS, json, RATE_LIMITED, unavailable } from './documented-responses.ts';

const ledgerUnavailable = unavailable('LEDGER_UNAVAILABLE, LEDGER_NOT_READY or STORE_UNAVAILABLE');
const applyUnavailable = unavailable(
  'CAMPAIGN_PAUSED (an operator paused the drop; Retry-After 5), LEDGER_UNAVAILABLE, ' +
    'LEDGER_NOT_READY or STORE_UNAVAILABLE',
);

/** The gate's flow, as an applicant's client follows it. */
const PROOF_FLOW =
  'On a campaign with `proofOfWorkDifficulty` (a proof-of-work gate): first GET ' +
  '/campaigns/{campaignId}/challenge, solve it, and send the solution in the `X-Proof-Of-Work` ' +
  'header; the gate is checked before the ledger, and each solution is accepted once. A campaign ' +
  'that can grant nothing more (sold out, or closed) is answered without a solution: 410 ' +
  'SOLD_OUT, 403 CLOSED, or 409 with the coupon to its holder.';

/**
 * The apply route as documented, in either AUTH_MODE: in body mode the user id is the body's
 * (trusted callers behind a gateway); in jwt mode it is the verified token's `sub`, and the body
 * (optional) may only repeat it.
 */
function applyRoute(jwt: boolean) {
  const responses = {
    201: json(IssuedSchema, 'Coupon issued; it will be persisted asynchronously'),
    ...BODY_CHECKS,
    403: json(
      ApplyRejectedSchema,
      'NOT_OPEN, CLOSED, or NOT_ELIGIBLE (the eligibility rule leaves this user out); on a ' +
        'gated campaign PROOF_INVALID, PROOF_EXPIRED or PROOF_REPLAYED (fetch a new challenge)',
    ),
    404: json(ApplyRejectedSchema, CAMPAIGN_NOT_FOUND.code),
    409: json(
      AlreadyIssuedSchema,
      "ALREADY_ISSUED, with the holder's coupon (sequence, issuedAt; revokedAt once revoked)",
    ),
    410: json(ApplyRejectedSchema, 'SOLD_OUT'),
    428: json(
      ApplyRejectedSchema,
      'PROOF_REQUIRED: the campaign is gated and the X-Proof-Of-Work header is missing',
    ),
    429: RATE_LIMITED,
    503: applyUnavailable,
  };
  return createRoute({
    method: 'post',
    path: openApiPath(PATHS.apply),
    summary: 'Apply for a coupon (first come, first served; one per user)',
    ...(jwt
      ? {
          description:
            "The user is the verified bearer token's `sub`. The body may be omitted; a `userId` " +
            `in it must equal \`sub\`. ${PROOF_FLOW}`,
          security: [{ bearerJwt: [] }],
        }
      : { description: PROOF_FLOW }),
    request: {
      params: CampaignParams,
      headers: ProofHeaders,
      body: {
        content: { 'application/json': { schema: jwt ? ApplyBodyJwt : ApplyBody } },
        required: !jwt,
      },
    },
    responses: jwt
      ? {
          ...responses,
          401: json(
            ErrorSchema,
            'UNAUTHORIZED (missing, invalid or expired token) or INVALID_SUBJECT',
          ),
          403: json(
            ApplyRejectedSchema,
            'NOT_OPEN, CLOSED, NOT_ELIGIBLE, USER_MISMATCH (body userId is not sub), ' +
              'PROOF_INVALID, PROOF_EXPIRED or PROOF_REPLAYED',
          ),
        }
      : responses,
  });
}

/** The status route as documented; in jwt mode only for the token's own user. */
function statusRoute(jwt: boolean) {
  const responses = {
    200: json(IssuanceStatusSchema, 'The status'),
    400: json(ErrorSchema, 'Invalid id'),
    404: json(ErrorSchema, CAMPAIGN_NOT_FOUND.code),
    429: RATE_LIMITED,
    503: ledgerUnavailable,
  };
  return createRoute({
    method: 'get',
    path: openApiPath(PATHS.status),
    summary: "A user's coupon: ISSUED (persisted or pending), REVOKED or NOT_ISSUED",
    ...(jwt
      ? {
          description: "Only for the token's own user: `userId` must equal the verified `sub`.",
          security: [{ bearerJwt: [] }],
        }
      : {}),
    request: { params: IssuanceParams },
    responses: jwt
      ? {
          ...responses,
          401: json(ErrorSchema, 'UNAUTHORIZED or INVALID_SUBJECT'),
          403: json(ErrorSchema, 'USER_MISMATCH (userId is not the token subject)'),
        }
      : responses,
  });
}

const mismatch = (what: string) =>
  errorBody('USER_MISMATCH', `the ${what} differs from the authenticated user (token sub)`);

/**
 * Apply and status, one route each whatever the AUTH_MODE (the mode only decides who the user
 * is). Both are the hot paths of a drop: documented like every route, but validated in their
 * handlers with the same schemas and hook instead of app.openapi's validator middlewares (param,
 * media type, JSON), each a layer of Hono's chain on every request (docs/benchmarks.md). The
 * media type was already checked (app.ts, bodyChecks); the answers are the same.
 */
export function registerIssuanceRoutes(app: OpenAPIHono, deps: HttpDependencies): void {
  const jwt = deps.auth?.mode === 'jwt';

  app.openAPIRegistry.registerPath(applyRoute(jwt));
  app.post(PATHS.apply, async (c) => {
    const params = CampaignParams.safeParse({ campaignId: c.req.param('campaignId') });
    if (!params.success) return validationHook(params, c)!;
    const campaignId = params.data.campaignId as CampaignId;
    const text = await c.req.text();
    let json: unknown = {};
    if (!(jwt && text === '')) {
      try {
        json = JSON.parse(text);
      } catch {
        return c.json(errorBody('MALFORMED_JSON', 'the body is not valid JSON'), 400);
      }
    }
    const body = (jwt ? ApplyBodyJwt : ApplyBody).safeParse(json);
    if (!body.success) return validationHook(body, c)!;
    if (!jwt) return apply(c, campaignId, body.data.userId as UserId);
    // jwt mode: the jwtIdentity middleware (app.ts) answered 401 already without a valid token.
    const subject = authenticated(c);
    if (body.data.userId !== undefined && body.data.userId !== subject) {
      // The apply error shape (status, campaignId, userId = the authenticated user, error).
      const rejected = { status: 'USER_MISMATCH', campaignId, userId: subject };
      return c.json({ ...rejected, ...mismatch("body's userId") }, 403);
    }
    return apply(c, campaignId, subject);
  });

  app.openAPIRegistry.registerPath(statusRoute(jwt));
  app.get(PATHS.status, async (c) => {
    const params = IssuanceParams.safeParse(c.req.param());
    if (!params.success) return validationHook(params, c)!;
    const userId = params.data.userId as UserId;
    if (jwt && userId !== authenticated(c)) return c.json(mismatch('userId in the path'), 403);
    return status(c, params.data.campaignId as CampaignId, userId);
  });

  async function apply(c: Context, campaignId: CampaignId, userId: UserId) {
    // The gate first: a missing, wrong or expired solution is refused without asking the ledger.
    // A campaign that grants nothing more is answered before it (AdmitApplicant): `settled`.
    let settled: SettledAnswer | undefined;
    if (deps.admission) {
      const solution = c.req.header(PROOF_HEADER);
      const admission = await deps.admission.admitApplicant.execute(campaignId, userId, solution);
      if (admission.kind === 'unknown-campaign') {
        // The same 404 as ApplyForCoupon's for an unknown campaign.
        const { status, body } = applyOutcomeResponse(campaignId, userId, admission);
        return c.json(body as never, status);
      }
      if (admission.kind === 'settled') settled = admission.answer;
      else if (admission.kind !== 'admitted') {
        const { status, body } = admissionRefusal(campaignId, userId, admission);
        return c.json(body, status);
      }
    }
    const segment = c.get('applicantSegment');
    const outcome = await deps.applyForCoupon.execute(
      campaignId,
      userId,
      segment === undefined ? undefined : { segment },
      settled,
    );
    const { status, body } = applyOutcomeResponse(campaignId, userId, outcome);
    // LEDGER_NOT_READY: the ledger is being reconciled in the background, usually within a
    // second; CAMPAIGN_PAUSED: an operator decides when it resumes, so clients wait longer.
    if (status === 503) c.header('Retry-After', outcome.kind === 'paused' ? '5' : '1');
    return c.json(body as never, status);
  }

  async function status(c: Context, campaignId: CampaignId, userId: UserId) {
    const found = await deps.getIssuanceStatus.execute(campaignId, userId);
    switch (found.kind) {
      case 'unknown-campaign':
        return c.json(errorBody(CAMPAIGN_NOT_FOUND.code, CAMPAIGN_NOT_FOUND.message), 404);
      case 'ledger-not-ready':
        c.header('Retry-After', '1');
        return c.json(errorBody(LEDGER_NOT_READY.code, LEDGER_NOT_READY.message), 503);
      case 'not-issued':
        return c.json({ status: 'NOT_ISSUED' as const, campaignId, userId }, 200);
      case 'issued':
        return c.json(
          {
            status: found.revoked ? ('REVOKED' as const) : ('ISSUED' as const),
            campaignId,
            userId,
            sequence: found.sequence,
            persisted: found.persisted,
            ...(found.issuedAt ? { issuedAt: found.issuedAt.toISOString() } : {}),
            ...(found.revoked
              ? { revokedAt: found.revoked.at.toISOString(), returned: found.revoked.returned }
              : {}),
          },
          200,
        );
    }
  }
}

function authenticated(c: Context): UserId {
  const subject = c.get('authenticatedUserId');
  // Unreachable when the middleware is installed; fail closed rather than act as nobody.
  if (subject === undefined) throw new Error('jwt mode without the identity middleware');
  return subject;
}
