import { createRoute, type OpenAPIHono } from '@hono/zod-openapi';
import type { CampaignId, UserId } from '../../domain/ids.ts';
import { applyOutcomeResponse } from './apply-outcome-response.ts';
import type { HttpDependencies } from './http-dependencies.ts';
import {
  ApplyBody,
  ApplyRejectedSchema,
  CampaignParams,
  ErrorSchema,
  IssuanceParams,
  IssuanceStatusSchema,
  IssuedSchema,
} from './schemas.ts';
import { errorBody } from './error-body.ts';

const json = <T>(schema: T, description: string) => ({
  description,
  content: { 'application/json': { schema } },
});

const applyRoute = createRoute({
  method: 'post',
  path: '/campaigns/{campaignId}/issuances',
  summary: 'Apply for a coupon (first come, first served; one per user)',
  request: {
    params: CampaignParams,
    body: { content: { 'application/json': { schema: ApplyBody } }, required: true },
  },
  responses: {
    201: json(IssuedSchema, 'Coupon issued; it will be persisted asynchronously'),
    400: json(ErrorSchema, 'Invalid input (field-level messages)'),
    403: json(ApplyRejectedSchema, 'NOT_OPEN or CLOSED'),
    404: json(ApplyRejectedSchema, 'CAMPAIGN_NOT_FOUND'),
    409: json(ApplyRejectedSchema, 'ALREADY_ISSUED'),
    410: json(ApplyRejectedSchema, 'SOLD_OUT'),
    413: json(ErrorSchema, 'PAYLOAD_TOO_LARGE'),
    415: json(ErrorSchema, 'UNSUPPORTED_MEDIA_TYPE'),
    503: json(ErrorSchema, 'LEDGER_UNAVAILABLE or LEDGER_NOT_READY (fail closed)'),
  },
});

const statusRoute = createRoute({
  method: 'get',
  path: '/campaigns/{campaignId}/issuances/{userId}',
  summary: "A user's coupon: ISSUED (persisted or pending) or NOT_ISSUED",
  request: { params: IssuanceParams },
  responses: {
    200: json(IssuanceStatusSchema, 'The status'),
    400: json(ErrorSchema, 'Invalid id'),
    404: json(ErrorSchema, 'CAMPAIGN_NOT_FOUND'),
  },
});

export function registerIssuanceRoutes(app: OpenAPIHono, deps: HttpDependencies): void {
  app.openapi(applyRoute, async (c) => {
    const campaignId = c.req.valid('param').campaignId as CampaignId;
    const userId = c.req.valid('json').userId as UserId;
    const outcome = await deps.applyForCoupon.execute(campaignId, userId);
    const { status, body } = applyOutcomeResponse(campaignId, userId, outcome);
    return c.json(body as never, status);
  });

  app.openapi(statusRoute, async (c) => {
    const params = c.req.valid('param');
    const campaignId = params.campaignId as CampaignId;
    const userId = params.userId as UserId;
    const status = await deps.getIssuanceStatus.execute(campaignId, userId);
    if (status.kind === 'unknown-campaign') {
      return c.json(errorBody('CAMPAIGN_NOT_FOUND', 'no such campaign'), 404);
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
  });
}
