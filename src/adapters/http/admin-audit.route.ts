import { createRoute, type OpenAPIHono } from '@hono/zod-openapi';
import type { CampaignId } from '../../domain/ids.ts';
import { ADMIN_PATHS } from './admin-paths.ts';
import { AuditPageSchema, AuditQuery } from './admin-schemas.ts';
import { json, STORE_UNAVAILABLE } from './documented-responses.ts';
import { ErrorSchema } from './schemas.ts';
import type { HttpDependencies } from './http-dependencies.ts';

const auditRoute = createRoute({
  method: 'get',
  path: ADMIN_PATHS.audit,
  summary: 'Who did what, when and why: every admin action, newest first (admin)',
  security: [{ adminBearer: [] }],
  request: { query: AuditQuery },
  responses: {
    200: json(AuditPageSchema, 'One page'),
    400: json(ErrorSchema, 'VALIDATION_FAILED (campaignId, before, limit)'),
    401: json(ErrorSchema, 'UNAUTHORIZED: missing or wrong admin token'),
    503: STORE_UNAVAILABLE,
  },
});

export function registerAuditRoutes(app: OpenAPIHono, deps: HttpDependencies): void {
  app.openapi(auditRoute, async (c) => {
    const { campaignId, before, limit } = c.req.valid('query');
    const page = await deps.operate.readAuditTrail.execute({
      ...(campaignId !== undefined ? { campaignId: campaignId as CampaignId } : {}),
      ...(before !== undefined ? { before } : {}),
      limit,
    });
    const entries = page.entries.map((entry) => ({ ...entry, at: entry.at.toISOString() }));
    return c.json({ entries, next: page.next ?? null }, 200);
  });
}
