import { createRoute, z, type OpenAPIHono } from '@hono/zod-openapi';
import type { Coupon } from '../../domain/coupon.ts';
import type { CampaignId, UserId } from '../../domain/ids.ts';
import { actor } from './admin-auth.ts';
import { ADMIN_PATHS } from './admin-paths.ts';
import { ADMIN_SECURITY, UNAUTHORIZED } from './admin-responses.ts';
import { RevokeBody, RevokedSchema, RevokeParams } from './admin-schemas.ts';
import { BODY_CHECKS, json, STORE_UNAVAILABLE, unavailable } from './documented-responses.ts';
import { errorBody } from './error-body.ts';
import { CAMPAIGN_NOT_FOUND, LEDGER_NOT_READY } from './error-messages.ts';
import type { HttpDependencies } from './http-dependencies.ts';
import { openApiPath } from './paths.ts';
import { CampaignParams, ErrorSchema } from './schemas.ts';

const security = ADMIN_SECURITY;
const unauthorized = UNAUTHORIZED;

const revokeRoute = createRoute({
  method: 'post',
  path: openApiPath(ADMIN_PATHS.revoke),
  summary: "Revoke a user's coupon (admin)",
  description:
    'The coupon is marked revoked (never deleted) in one atomic step with the decisions, and ' +
    'the row follows through the event log. With `returnToStock` its unit is granted once more ' +
    'to the next applicant. The user can never win this campaign again. Idempotent: a second ' +
    'call answers ALREADY_REVOKED and changes nothing.',
  security,
  request: {
    params: RevokeParams,
    body: { content: { 'application/json': { schema: RevokeBody } }, required: false },
  },
  responses: {
    200: json(RevokedSchema, 'REVOKED, or ALREADY_REVOKED (nothing changed)'),
    ...BODY_CHECKS,
    401: unauthorized,
    404: json(ErrorSchema, 'CAMPAIGN_NOT_FOUND or NOT_A_WINNER (this user holds no coupon)'),
    503: unavailable('LEDGER_NOT_READY, LEDGER_UNAVAILABLE or STORE_UNAVAILABLE'),
  },
});

const CSV_COLUMNS = ['campaign_id', 'user_id', 'sequence', 'issued_at', 'revoked_at', 'returned'];

const exportRoute = createRoute({
  method: 'get',
  path: openApiPath(ADMIN_PATHS.coupons),
  summary: "The campaign's winners as CSV, revocations included (admin)",
  description:
    'Streamed in sequence order from the durable record, one row per coupon: ' +
    `${CSV_COLUMNS.join(', ')}. Coupons still on their way to MySQL are not in it yet ` +
    "(compare the summary's `persisted` with `issued`).",
  security,
  request: { params: CampaignParams },
  responses: {
    200: {
      description: 'CSV, with a header row',
      content: { 'text/csv': { schema: z.string() } },
    },
    400: json(ErrorSchema, 'VALIDATION_FAILED: invalid campaign id'),
    401: unauthorized,
    404: json(ErrorSchema, CAMPAIGN_NOT_FOUND.code),
    503: STORE_UNAVAILABLE,
  },
});

const csvRow = (coupon: Coupon) =>
  [
    coupon.campaignId,
    coupon.userId,
    coupon.sequence,
    coupon.issuedAt.toISOString(),
    coupon.revoked?.at.toISOString() ?? '',
    coupon.revoked ? String(coupon.revoked.returned) : '',
  ].join(',');

export function registerCouponRoutes(app: OpenAPIHono, deps: HttpDependencies): void {
  const { revokeCoupon, exportCoupons } = deps.operate;

  app.openapi(revokeRoute, async (c) => {
    const { campaignId, userId } = c.req.valid('param');
    const body = c.req.valid('json');
    const by = { name: actor(c), ...(body.reason !== undefined ? { reason: body.reason } : {}) };
    const outcome = await revokeCoupon.execute(campaignId as CampaignId, userId as UserId, by, {
      returnToStock: body.returnToStock ?? false,
    });
    switch (outcome.kind) {
      case 'revoked':
      case 'already-revoked': {
        const { coupon } = outcome;
        const revocation = coupon.revoked;
        if (!revocation) throw new Error('the ledger answered a revocation without one');
        if (outcome.kind === 'revoked') {
          deps.logger.info({ campaignId, userId, actor: by.name }, 'coupon revoked');
        }
        return c.json(
          {
            status:
              outcome.kind === 'revoked' ? ('REVOKED' as const) : ('ALREADY_REVOKED' as const),
            campaignId,
            userId,
            sequence: coupon.sequence,
            issuedAt: coupon.issuedAt.toISOString(),
            revokedAt: revocation.at.toISOString(),
            returned: revocation.returned,
          },
          200,
        );
      }
      case 'not-a-winner':
        return c.json(errorBody('NOT_A_WINNER', 'this user holds no coupon of this campaign'), 404);
      case 'unknown-campaign':
        return c.json(errorBody(CAMPAIGN_NOT_FOUND.code, CAMPAIGN_NOT_FOUND.message), 404);
      case 'ledger-not-ready':
        c.header('Retry-After', '1');
        return c.json(errorBody(LEDGER_NOT_READY.code, LEDGER_NOT_READY.message), 503);
    }
  });

  app.openapi(exportRoute, async (c) => {
    const campaignId = c.req.valid('param').campaignId as CampaignId;
    if (!(await deps.getCampaignSummary.execute(campaignId, { includeDrafts: true }))) {
      return c.json(errorBody(CAMPAIGN_NOT_FOUND.code, CAMPAIGN_NOT_FOUND.message), 404);
    }
    const pages = exportCoupons.pages(campaignId);
    // The first page is read before answering: a store that is down is a 503, not a cut file.
    const first = await pages.next();
    const encoder = new TextEncoder();
    const lines = (coupons: Coupon[]) => encoder.encode(coupons.map(csvRow).join('\n') + '\n');
    const body = new ReadableStream<Uint8Array>({
      start(controller) {
        controller.enqueue(encoder.encode(CSV_COLUMNS.join(',') + '\n'));
        if (first.done) controller.close();
        else controller.enqueue(lines(first.value));
      },
      async pull(controller) {
        if (first.done) return;
        const next = await pages.next();
        if (next.done) controller.close();
        else controller.enqueue(lines(next.value));
      },
      async cancel() {
        await pages.return(undefined);
      },
    });
    return new Response(body, {
      status: 200,
      headers: {
        'content-type': 'text/csv; charset=utf-8',
        'content-disposition': `attachment; filename="${campaignId}-coupons.csv"`,
        'cache-control': 'no-store',
      },
    });
  });
}
