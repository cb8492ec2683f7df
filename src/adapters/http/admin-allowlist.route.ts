import { createRoute, type OpenAPIHono } from '@hono/zod-openapi';
import type { Context } from 'hono';
import type { AllowlistOutcome } from '../../application/operate/manage-allowlist.ts';
import type { CampaignId, UserId } from '../../domain/ids.ts';
import { actor } from './admin-auth.ts';
import { ADMIN_PATHS } from './admin-paths.ts';
import { ADMIN_SECURITY, ON_A_CAMPAIGN } from './admin-responses.ts';
import {
  ALLOWLIST_BODY_LIMIT_BYTES,
  AllowlistBody,
  AllowlistChangedSchema,
  AllowlistPageSchema,
  AllowlistQuery,
} from './admin-schemas.ts';
import { BODY_CHECKS, errorResponse, json } from './documented-responses.ts';
import { errorBody } from './error-body.ts';
import { CAMPAIGN_NOT_FOUND } from './error-messages.ts';
import type { HttpDependencies } from './http-dependencies.ts';
import { openApiPath } from './paths.ts';
import { CampaignParams, ErrorSchema } from './schemas.ts';

const security = ADMIN_SECURITY;
const common = ON_A_CAMPAIGN;
const batchRoute = (path: string, summary: string, description: string) =>
  createRoute({
    method: 'post',
    path: openApiPath(path),
    summary,
    description,
    security,
    request: {
      params: CampaignParams,
      body: { content: { 'application/json': { schema: AllowlistBody } }, required: true },
    },
    responses: {
      200: json(AllowlistChangedSchema, 'Done'),
      ...BODY_CHECKS,
      413: errorResponse(`PAYLOAD_TOO_LARGE (${ALLOWLIST_BODY_LIMIT_BYTES} bytes on this route)`),
      ...common,
    },
  });

const addRoute = batchRoute(
  ADMIN_PATHS.allowlist,
  'Add users to the allowlist (admin)',
  'Idempotent: send a million users as ten batches, and a failed batch again. In force at the ' +
    'next application once the campaign is published; a campaign with `allowlist` eligibility ' +
    'lets only these users win (others: 403 NOT_ELIGIBLE).',
);
const removeRoute = batchRoute(
  ADMIN_PATHS.allowlistRemove,
  'Remove users from the allowlist (admin)',
  'Idempotent; in force at the next application. A coupon already granted stays granted ' +
    '(revoke it to take it back).',
);
const pageRoute = createRoute({
  method: 'get',
  path: openApiPath(ADMIN_PATHS.allowlist),
  summary: 'The allowlist, a page at a time in user id order (admin)',
  security,
  request: { params: CampaignParams, query: AllowlistQuery },
  responses: {
    200: json(AllowlistPageSchema, 'One page'),
    400: json(ErrorSchema, 'VALIDATION_FAILED (campaignId, after, limit)'),
    ...common,
  },
});

export function registerAllowlistRoutes(app: OpenAPIHono, deps: HttpDependencies): void {
  const { manageAllowlist } = deps.operate;
  const answer = (c: Context, campaignId: CampaignId, outcome: AllowlistOutcome) =>
    outcome.kind === 'unknown-campaign'
      ? c.json(errorBody(CAMPAIGN_NOT_FOUND.code, CAMPAIGN_NOT_FOUND.message), 404)
      : c.json({ campaignId, changed: outcome.changed, size: outcome.size }, 200);

  for (const [route, change] of [
    [addRoute, 'add'],
    [removeRoute, 'remove'],
  ] as const) {
    app.openapi(route, async (c) => {
      const campaignId = c.req.valid('param').campaignId as CampaignId;
      const { userIds, reason } = c.req.valid('json');
      const by = { name: actor(c), ...(reason !== undefined ? { reason } : {}) };
      const outcome = await manageAllowlist[change](campaignId, userIds as UserId[], by);
      return answer(c, campaignId, outcome);
    });
  }

  app.openapi(pageRoute, async (c) => {
    const campaignId = c.req.valid('param').campaignId as CampaignId;
    const { after, limit } = c.req.valid('query');
    const page = await manageAllowlist.page(campaignId, after as UserId | undefined, limit);
    if (!page) return c.json(errorBody(CAMPAIGN_NOT_FOUND.code, CAMPAIGN_NOT_FOUND.message), 404);
    const next = page.userIds.length === limit ? (page.userIds.at(-1) ?? null) : null;
    return c.json({ campaignId, size: page.size, userIds: page.userIds, next }, 200);
  });
}
