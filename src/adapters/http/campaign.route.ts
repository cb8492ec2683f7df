import { createRoute, type OpenAPIHono } from '@hono/zod-openapi';
import type { CampaignId } from '../../domain/ids.ts';
import { campaignSummaryBody } from './campaign-summary-body.ts';
import { errorBody } from './error-body.ts';
import { openApiPath, PATHS } from './paths.ts';
import { CAMPAIGN_NOT_FOUND } from './error-messages.ts';
import type { HttpDependencies } from './http-dependencies.ts';
import { STORE_UNAVAILABLE } from './documented-responses.ts';
import { sharedFor } from './shared-result.ts';
import {
  CampaignListSchema,
  CampaignParams,
  CampaignSummarySchema,
  ErrorSchema,
} from './schemas.ts';

const summaryRoute = createRoute({
  method: 'get',
  path: openApiPath(PATHS.campaign),
  summary: 'Live counts of a campaign: total, issued, remaining, persisted',
  request: { params: CampaignParams },
  responses: {
    200: {
      description: 'The campaign',
      content: { 'application/json': { schema: CampaignSummarySchema } },
    },
    400: { description: 'Invalid id', content: { 'application/json': { schema: ErrorSchema } } },
    404: {
      description: 'No such campaign',
      content: { 'application/json': { schema: ErrorSchema } },
    },
    503: STORE_UNAVAILABLE,
  },
});

/** How long one computed public list is shared by every caller (the dashboard polls at 500 ms). */
const PUBLIC_LIST_TTL_MS = 250;

/** Public and read-only: what the dashboard shows (the same counts as GET /campaigns/{id}). */
const listRoute = createRoute({
  method: 'get',
  path: '/campaigns',
  summary: 'Every campaign with live counts: total, issued, remaining, persisted (public)',
  description: 'One computed list is shared by all callers for up to 250 ms.',
  responses: {
    200: {
      description: 'All campaigns',
      content: { 'application/json': { schema: CampaignListSchema } },
    },
    503: STORE_UNAVAILABLE,
  },
});

export function registerCampaignRoutes(app: OpenAPIHono, deps: HttpDependencies): void {
  app.openapi(summaryRoute, async (c) => {
    const campaignId = c.req.valid('param').campaignId as CampaignId;
    const summary = await deps.getCampaignSummary.execute(campaignId);
    if (!summary)
      return c.json(errorBody(CAMPAIGN_NOT_FOUND.code, CAMPAIGN_NOT_FOUND.message), 404);
    return c.json(campaignSummaryBody(summary), 200);
  });

  // Public: every poll would otherwise count each campaign's rows in the store.
  const listShared = sharedFor(PUBLIC_LIST_TTL_MS, () => deps.listCampaigns.execute());
  app.openapi(listRoute, async (c) => {
    const summaries = await listShared();
    c.header('Cache-Control', 'no-store');
    return c.json({ campaigns: summaries.map(campaignSummaryBody) }, 200);
  });
}
