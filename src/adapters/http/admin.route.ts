import { createRoute, z, type OpenAPIHono } from '@hono/zod-openapi';
import type { CampaignId } from '../../domain/ids.ts';
import { adminAuth } from './admin-auth.ts';
import { campaignSummaryBody } from './campaign-summary-body.ts';
import { BODY_CHECKS, json, STORE_UNAVAILABLE } from './documented-responses.ts';
import { errorBody } from './error-body.ts';
import { CAMPAIGN_NOT_FOUND } from './error-messages.ts';
import type { HttpDependencies } from './http-dependencies.ts';
import {
  CampaignParams,
  CampaignSummarySchema,
  CreateCampaignBody,
  ErrorSchema,
} from './schemas.ts';

const security = [{ adminBearer: [] }];
const unauthorized = json(ErrorSchema, 'UNAUTHORIZED: missing or wrong admin token');

const createCampaignRoute = createRoute({
  method: 'post',
  path: '/admin/campaigns',
  summary: 'Create a campaign (admin)',
  security,
  request: {
    body: { content: { 'application/json': { schema: CreateCampaignBody } }, required: true },
  },
  responses: {
    201: json(CampaignSummarySchema, 'Created'),
    ...BODY_CHECKS,
    400: json(
      ErrorSchema,
      'VALIDATION_FAILED (field-level messages, including endsAt not after startsAt) or MALFORMED_JSON',
    ),
    401: unauthorized,
    409: json(ErrorSchema, 'CAMPAIGN_EXISTS'),
    503: STORE_UNAVAILABLE,
  },
});

const listCampaignsRoute = createRoute({
  method: 'get',
  path: '/admin/campaigns',
  summary: 'List campaigns with live counts (admin)',
  security,
  responses: {
    200: json(z.object({ campaigns: z.array(CampaignSummarySchema) }), 'All campaigns'),
    401: unauthorized,
    503: STORE_UNAVAILABLE,
  },
});

const readCampaignRoute = createRoute({
  method: 'get',
  path: '/admin/campaigns/{campaignId}',
  summary: 'One campaign with live counts (admin)',
  security,
  request: { params: CampaignParams },
  responses: {
    200: json(CampaignSummarySchema, 'The campaign'),
    400: json(ErrorSchema, 'VALIDATION_FAILED: invalid campaign id'),
    401: unauthorized,
    404: json(ErrorSchema, 'CAMPAIGN_NOT_FOUND'),
    503: STORE_UNAVAILABLE,
  },
});

/** Admin routes exist only when ADMIN_TOKEN is set: no token, no way in. */
export function registerAdminRoutes(app: OpenAPIHono, deps: HttpDependencies): void {
  if (!deps.adminToken) return;
  app.openAPIRegistry.registerComponent('securitySchemes', 'adminBearer', {
    type: 'http',
    scheme: 'bearer',
  });
  app.use('/admin/*', adminAuth(deps.adminToken));

  app.openapi(createCampaignRoute, async (c) => {
    const body = c.req.valid('json');
    const outcome = await deps.createCampaign.execute({
      id: body.id as CampaignId,
      name: body.name,
      ...(body.totalQuantity !== undefined ? { totalQuantity: body.totalQuantity } : {}),
      ...(body.perUserLimit !== undefined ? { perUserLimit: body.perUserLimit } : {}),
      ...(body.startsAt ? { startsAt: new Date(body.startsAt) } : {}),
      ...(body.endsAt ? { endsAt: new Date(body.endsAt) } : {}),
    });
    switch (outcome.kind) {
      case 'created':
        deps.logger.info({ campaignId: outcome.campaign.id }, 'campaign created');
        return c.json(
          campaignSummaryBody({
            campaign: outcome.campaign,
            issued: 0,
            remaining: outcome.campaign.totalQuantity,
            persisted: 0,
          }),
          201,
        );
      case 'invalid':
        return c.json(
          errorBody('VALIDATION_FAILED', 'the campaign is not valid', outcome.problems),
          400,
        );
      case 'already-exists':
        return c.json(errorBody('CAMPAIGN_EXISTS', 'a campaign with this id exists'), 409);
      default: {
        const unhandled: never = outcome;
        throw new Error(`unhandled outcome ${JSON.stringify(unhandled)}`);
      }
    }
  });

  app.openapi(listCampaignsRoute, async (c) => {
    const summaries = await deps.listCampaigns.execute();
    return c.json({ campaigns: summaries.map(campaignSummaryBody) }, 200);
  });

  app.openapi(readCampaignRoute, async (c) => {
    const summary = await deps.getCampaignSummary.execute(
      c.req.valid('param').campaignId as CampaignId,
    );
    if (!summary)
      return c.json(errorBody(CAMPAIGN_NOT_FOUND.code, CAMPAIGN_NOT_FOUND.message), 404);
    return c.json(campaignSummaryBody(summary), 200);
  });
}
