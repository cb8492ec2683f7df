import { createRoute, type OpenAPIHono } from '@hono/zod-openapi';
import type { CampaignId } from '../../domain/ids.ts';
import { campaignSummaryBody } from './campaign-summary-body.ts';
import { errorBody } from './error-body.ts';
import type { HttpDependencies } from './http-dependencies.ts';
import { CampaignParams, CampaignSummarySchema, ErrorSchema } from './schemas.ts';

const summaryRoute = createRoute({
  method: 'get',
  path: '/campaigns/{campaignId}',
  summary: 'Live counts of a campaign: total, issued, remaining, persisted',
  request: { params: CampaignParams },
  responses: {
    200: {
      description: 'The campaign',
      content: { 'application/json': { schema: CampaignSummarySchema } },
    },
    400: { description: 'Invalid id', content: { 'application/json': { schema: ErrorSchema } } },
    404: { description: 'No such campaign', content: { 'application/json': { schema: ErrorSchema } } },
  },
});

export function registerCampaignRoutes(app: OpenAPIHono, deps: HttpDependencies): void {
  app.openapi(summaryRoute, async (c) => {
    const campaignId = c.req.valid('param').campaignId as CampaignId;
    const summary = await deps.getCampaignSummary.execute(campaignId);
    if (!summary) return c.json(errorBody('CAMPAIGN_NOT_FOUND', 'no such campaign'), 404);
    return c.json(campaignSummaryBody(summary), 200);
  });
}
