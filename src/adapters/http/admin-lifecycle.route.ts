import { createRoute, type OpenAPIHono } from '@hono/zod-openapi';
import type { Context } from 'hono';
import type { CampaignAction, ChangeOutcome } from '../../application/operate/change-campaign.ts';
import type { Campaign } from '../../domain/campaign.ts';
import type { CampaignId } from '../../domain/ids.ts';
import { actor } from './admin-auth.ts';
import { ADMIN_PATHS } from './admin-paths.ts';
import { ADMIN_SECURITY, ON_A_CAMPAIGN } from './admin-responses.ts';
import {
  CorrectionBody,
  PreviewQuery,
  PreviewSchema,
  PublishBody,
  ReasonBody,
  warningsBody,
  WarningSchema,
} from './admin-schemas.ts';
import { campaignWindow } from './campaign-window.ts';
import { campaignSummaryBody } from './campaign-summary-body.ts';
import { BODY_CHECKS, json } from './documented-responses.ts';
import { errorBody } from './error-body.ts';
import { CAMPAIGN_NOT_FOUND } from './error-messages.ts';
import type { HttpDependencies } from './http-dependencies.ts';
import { openApiPath } from './paths.ts';
import { CampaignParams, CampaignSummarySchema, ErrorSchema } from './schemas.ts';

const security = ADMIN_SECURITY;
/** What the log line says once an action is done. */
const DONE: Readonly<Record<CampaignAction['kind'], string>> = {
  pause: 'paused',
  resume: 'resumed',
  end: 'ended',
  correct: 'corrected',
};
const common = ON_A_CAMPAIGN;
const optionalBody = <T>(schema: T) => ({
  body: { content: { 'application/json': { schema } }, required: false },
});

const previewRoute = createRoute({
  method: 'get',
  path: openApiPath(ADMIN_PATHS.preview),
  summary: 'The rules exactly as they will be applied, and the warnings to acknowledge (admin)',
  security,
  request: { params: CampaignParams, query: PreviewQuery },
  responses: {
    200: json(PreviewSchema, 'The preview'),
    400: json(ErrorSchema, 'VALIDATION_FAILED (campaignId, timeZone)'),
    ...common,
  },
});

const publishRoute = createRoute({
  method: 'post',
  path: openApiPath(ADMIN_PATHS.publish),
  summary: 'Publish a draft: its rules go live in the ledger (admin)',
  description:
    'Read the preview first: every warning that applies must be in `acknowledge`, or nothing ' +
    'is published (422 UNACKNOWLEDGED_WARNINGS lists those missing). The body may be left out ' +
    'when no warning applies.',
  security,
  request: { params: CampaignParams, ...optionalBody(PublishBody) },
  responses: {
    200: json(CampaignSummarySchema, 'Published'),
    ...BODY_CHECKS,
    409: json(ErrorSchema, 'ALREADY_PUBLISHED'),
    422: json(
      ErrorSchema.extend({ warnings: WarningSchema.array() }),
      'UNACKNOWLEDGED_WARNINGS: the warnings that apply and were not acknowledged',
    ),
    ...common,
  },
});

const actionRoute = (path: string, summary: string, description: string) =>
  createRoute({
    method: 'post',
    path: openApiPath(path),
    summary,
    description,
    security,
    request: { params: CampaignParams, ...optionalBody(ReasonBody) },
    responses: { 200: json(CampaignSummarySchema, 'Done'), ...BODY_CHECKS, ...common },
  });

const pauseRoute = actionRoute(
  ADMIN_PATHS.pause,
  'Pause the drop: nothing is granted until it resumes (admin)',
  'The kill switch. In force at the very next application of every API process (the ledger ' +
    'holds it); applicants get 503 CAMPAIGN_PAUSED with Retry-After. Answers that are final ' +
    'anyway (ALREADY_ISSUED, NOT_OPEN, CLOSED, SOLD_OUT) stay as they are. Idempotent.',
);
const resumeRoute = actionRoute(
  ADMIN_PATHS.resume,
  'Resume a paused drop (admin)',
  'In force at the very next application. Idempotent.',
);
const endRoute = actionRoute(
  ADMIN_PATHS.end,
  'End the drop now: every later application is CLOSED (admin)',
  'Sets endsAt to now (and a later startsAt to just before it). Coupons granted stay granted.',
);

const correctRoute = createRoute({
  method: 'patch',
  path: openApiPath(ADMIN_PATHS.campaign),
  summary:
    'Correct a campaign, draft or live: cap, window, name, eligibility, gate, opening (admin)',
  description:
    'In force at the very next application. A cap below the units already consumed ' +
    '(issued - returned) is refused with 409 BELOW_ISSUED, atomically against the grants in ' +
    'flight: nothing changes.',
  security,
  request: {
    params: CampaignParams,
    body: { content: { 'application/json': { schema: CorrectionBody } }, required: true },
  },
  responses: {
    200: json(CampaignSummarySchema, 'Corrected'),
    ...BODY_CHECKS,
    409: json(
      ErrorSchema.extend({ consumed: CampaignSummarySchema.shape.issued }),
      'BELOW_ISSUED: the new cap is below the units already consumed',
    ),
    ...common,
  },
});

/** Preview, publish, pause, resume, end and correct: a campaign's life, as its operators steer it. */
export function registerLifecycleRoutes(app: OpenAPIHono, deps: HttpDependencies): void {
  const { publishCampaign, changeCampaign } = deps.operate;
  const notFound = (c: Context) =>
    c.json(errorBody(CAMPAIGN_NOT_FOUND.code, CAMPAIGN_NOT_FOUND.message), 404);
  const summary = async (campaign: Campaign) =>
    campaignSummaryBody(await deps.getCampaignSummary.summarize(campaign));

  app.openapi(previewRoute, async (c) => {
    const campaignId = c.req.valid('param').campaignId as CampaignId;
    const timeZone = c.req.valid('query').timeZone ?? 'UTC';
    const preview = await publishCampaign.preview(campaignId);
    if (!preview) return notFound(c);
    return c.json(
      {
        campaign: await summary(preview.campaign),
        timeZone,
        window: campaignWindow(preview.campaign, timeZone),
        allowlistSize: preview.allowlistSize,
        warnings: warningsBody(preview.warnings),
      },
      200,
    );
  });

  app.openapi(publishRoute, async (c) => {
    const campaignId = c.req.valid('param').campaignId as CampaignId;
    const body = c.req.valid('json');
    const by = { name: actor(c), ...(body.reason !== undefined ? { reason: body.reason } : {}) };
    const outcome = await publishCampaign.execute(campaignId, by, body.acknowledge ?? []);
    switch (outcome.kind) {
      case 'published':
        deps.logger.info({ campaignId, actor: by.name }, 'campaign published');
        return c.json(await summary(outcome.campaign), 200);
      case 'already-published':
        return c.json(errorBody('ALREADY_PUBLISHED', 'the campaign is published already'), 409);
      case 'unacknowledged': {
        const missing = outcome.warnings.join(', ');
        const problems = [{ field: 'acknowledge', message: `must include ${missing}` }];
        const message = 'read the preview: these warnings apply and were not acknowledged';
        return c.json(
          {
            ...errorBody('UNACKNOWLEDGED_WARNINGS', message, problems),
            warnings: warningsBody(outcome.warnings),
          },
          422,
        );
      }
      case 'unknown-campaign':
        return notFound(c);
    }
  });

  const act = async (
    c: Context,
    campaignId: CampaignId,
    action: CampaignAction,
    reason?: string,
  ) => {
    const by = { name: actor(c), ...(reason !== undefined ? { reason } : {}) };
    const outcome: ChangeOutcome = await changeCampaign.execute(campaignId, by, action);
    switch (outcome.kind) {
      case 'changed':
        deps.logger.info({ campaignId, actor: by.name }, `campaign ${DONE[action.kind]}`);
        return c.json(await summary(outcome.campaign), 200);
      case 'invalid':
        return c.json(
          errorBody('VALIDATION_FAILED', 'the campaign would not be valid', outcome.problems),
          400,
        );
      case 'below-issued':
        return c.json(
          {
            ...errorBody(
              'BELOW_ISSUED',
              `${outcome.consumed} units are consumed already: the cap cannot go below that`,
              [{ field: 'totalQuantity', message: `must be at least ${outcome.consumed}` }],
            ),
            consumed: outcome.consumed,
          },
          409,
        );
      case 'unknown-campaign':
        return notFound(c);
    }
  };

  for (const [route, kind] of [
    [pauseRoute, 'pause'],
    [resumeRoute, 'resume'],
    [endRoute, 'end'],
  ] as const) {
    app.openapi(route, async (c) => {
      const { campaignId } = c.req.valid('param');
      const { reason } = c.req.valid('json');
      return act(c, campaignId as CampaignId, { kind }, reason) as never;
    });
  }

  app.openapi(correctRoute, async (c) => {
    const campaignId = c.req.valid('param').campaignId as CampaignId;
    const { reason, name, totalQuantity, startsAt, endsAt, eligibility, proofOfWorkDifficulty } =
      c.req.valid('json');
    const { openingShuffleMs } = c.req.valid('json');
    const when = (value: string | null) => (value === null ? null : new Date(value));
    const correction = {
      ...(name !== undefined ? { name } : {}),
      ...(totalQuantity !== undefined ? { totalQuantity } : {}),
      ...(startsAt !== undefined ? { startsAt: when(startsAt) } : {}),
      ...(endsAt !== undefined ? { endsAt: when(endsAt) } : {}),
      ...(eligibility !== undefined ? { eligibility } : {}),
      ...(proofOfWorkDifficulty !== undefined ? { proofOfWorkDifficulty } : {}),
      ...(openingShuffleMs !== undefined ? { openingShuffleMs } : {}),
    };
    return act(c, campaignId, { kind: 'correct', correction }, reason);
  });
}
