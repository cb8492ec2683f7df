import { createRoute, z, type OpenAPIHono } from '@hono/zod-openapi';
import type { CampaignId } from '../../domain/ids.ts';
import { registerAllowlistRoutes } from './admin-allowlist.route.ts';
import { registerAuditRoutes } from './admin-audit.route.ts';
import { actor, adminAuth, adminIdentities } from './admin-auth.ts';
import { registerCouponRoutes } from './admin-coupons.route.ts';
import { registerLifecycleRoutes } from './admin-lifecycle.route.ts';
import { ADMIN_PATHS } from './admin-paths.ts';
import { ADMIN_SECURITY, UNAUTHORIZED } from './admin-responses.ts';
import { campaignSummaryBody } from './campaign-summary-body.ts';
import { BODY_CHECKS, json, STORE_UNAVAILABLE } from './documented-responses.ts';
import { errorBody } from './error-body.ts';
import { CAMPAIGN_NOT_FOUND } from './error-messages.ts';
import type { HttpDependencies } from './http-dependencies.ts';
import { openApiPath } from './paths.ts';
import {
  CampaignParams,
  CampaignSummarySchema,
  CreateCampaignBody,
  ErrorSchema,
} from './schemas.ts';

const security = ADMIN_SECURITY;
const unauthorized = UNAUTHORIZED;

const createCampaignRoute = createRoute({
  method: 'post',
  path: ADMIN_PATHS.campaigns,
  summary: 'Create a campaign, as a draft (admin)',
  description:
    'A draft is invisible to applicants (404) until it is published: read its preview ' +
    '(GET …/preview), then publish it (POST …/publish).',
  security,
  request: {
    body: { content: { 'application/json': { schema: CreateCampaignBody } }, required: true },
  },
  responses: {
    201: json(CampaignSummarySchema, 'Created, as a draft'),
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
  path: ADMIN_PATHS.campaigns,
  summary: 'List campaigns with live counts, drafts included (admin)',
  security,
  responses: {
    200: json(z.object({ campaigns: z.array(CampaignSummarySchema) }), 'All campaigns'),
    401: unauthorized,
    503: STORE_UNAVAILABLE,
  },
});

const readCampaignRoute = createRoute({
  method: 'get',
  path: openApiPath(ADMIN_PATHS.campaign),
  summary: 'One campaign with live counts, drafts included (admin)',
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

/**
 * Admin routes exist only when an admin token is set (ADMIN_TOKEN, ADMIN_TOKENS): no token, no
 * way in. Each request acts as the admin whose token it carries: the audit trail's actor.
 */
export function registerAdminRoutes(app: OpenAPIHono, deps: HttpDependencies): void {
  const admins = adminIdentities(deps);
  if (admins.length === 0) return;
  app.openAPIRegistry.registerComponent('securitySchemes', 'adminBearer', {
    type: 'http',
    scheme: 'bearer',
    description: 'ADMIN_TOKEN, or one of ADMIN_TOKENS (each admin by name, for the audit trail)',
  });
  app.use('/admin/*', adminAuth(admins));

  app.openapi(createCampaignRoute, async (c) => {
    const body = c.req.valid('json');
    const outcome = await deps.createCampaign.execute(
      {
        id: body.id as CampaignId,
        name: body.name,
        ...(body.totalQuantity !== undefined ? { totalQuantity: body.totalQuantity } : {}),
        ...(body.perUserLimit !== undefined ? { perUserLimit: body.perUserLimit } : {}),
        ...(body.startsAt ? { startsAt: new Date(body.startsAt) } : {}),
        ...(body.endsAt ? { endsAt: new Date(body.endsAt) } : {}),
        ...(body.eligibility ? { eligibility: body.eligibility } : {}),
        ...(body.openingShuffleMs !== undefined ? { openingShuffleMs: body.openingShuffleMs } : {}),
        ...(body.proofOfWorkDifficulty !== undefined
          ? { proofOfWorkDifficulty: body.proofOfWorkDifficulty }
          : {}),
      },
      { name: actor(c) },
    );
    switch (outcome.kind) {
      case 'created': {
        const { campaign } = outcome;
        deps.logger.info({ campaignId: campaign.id, actor: actor(c) }, 'campaign created (draft)');
        const summary = await deps.getCampaignSummary.summarize(campaign);
        return c.json(campaignSummaryBody(summary), 201);
      }
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
    const summaries = await deps.listCampaigns.execute({ includeDrafts: true });
    return c.json({ campaigns: summaries.map(campaignSummaryBody) }, 200);
  });

  app.openapi(readCampaignRoute, async (c) => {
    const summary = await deps.getCampaignSummary.execute(
      c.req.valid('param').campaignId as CampaignId,
      { includeDrafts: true },
    );
    if (!summary)
      return c.json(errorBody(CAMPAIGN_NOT_FOUND.code, CAMPAIGN_NOT_FOUND.message), 404);
    return c.json(campaignSummaryBody(summary), 200);
  });

  registerLifecycleRoutes(app, deps);
  registerAllowlistRoutes(app, deps);
  registerCouponRoutes(app, deps);
  registerAuditRoutes(app, deps);
}
