import { z } from '@hono/zod-openapi';
import { MAX_NAME_LENGTH, MAX_TOTAL_QUANTITY, PER_USER_LIMIT } from '../../domain/campaign.ts';
import { CAMPAIGN_ID, CAMPAIGN_ID_RULE, USER_ID, USER_ID_RULE } from '../../domain/ids.ts';

/**
 * The zod schemas validate requests AND generate the OpenAPI document, so the two cannot drift.
 * The id rules come from the domain.
 */
export const CampaignIdSchema = z
  .string()
  .regex(CAMPAIGN_ID, CAMPAIGN_ID_RULE)
  .openapi({ example: 'default' });
export const UserIdSchema = z.string().regex(USER_ID, USER_ID_RULE).openapi({ example: 'user-42' });

export const CampaignParams = z.object({
  campaignId: CampaignIdSchema.openapi({ param: { name: 'campaignId', in: 'path' } }),
});
export const IssuanceParams = z.object({
  campaignId: CampaignIdSchema.openapi({ param: { name: 'campaignId', in: 'path' } }),
  userId: UserIdSchema.openapi({ param: { name: 'userId', in: 'path' } }),
});

export const ApplyBody = z.strictObject({ userId: UserIdSchema }).openapi('ApplyRequest');
/** AUTH_MODE=jwt: the user is the token's subject; a body userId may only repeat it. */
export const ApplyBodyJwt = z
  .strictObject({ userId: UserIdSchema.optional() })
  .openapi('ApplyRequestJwt');

export const FieldProblemSchema = z.object({ field: z.string(), message: z.string() });
export const ErrorSchema = z
  .object({
    error: z.object({
      code: z.string().openapi({ example: 'SOLD_OUT' }),
      message: z.string(),
      fields: z.array(FieldProblemSchema).optional(),
    }),
  })
  .openapi('Error');

export const ApplyRejectedSchema = ErrorSchema.extend({
  status: z.string(),
  campaignId: z.string(),
  userId: z.string(),
  opensAt: z.string().optional(),
  closedAt: z.string().optional(),
}).openapi('ApplyRejected');

/** 409 ALREADY_ISSUED: the holder's coupon, so a retry after a lost 201 is as good as the 201. */
export const AlreadyIssuedSchema = ApplyRejectedSchema.extend({
  status: z.literal('ALREADY_ISSUED'),
  sequence: z.number().int().optional().openapi({ description: "The holder's coupon sequence" }),
  issuedAt: z.string().optional().openapi({ description: 'When it was granted (when known)' }),
}).openapi('AlreadyIssued');

export const IssuedSchema = z
  .object({
    status: z.literal('ISSUED'),
    campaignId: z.string(),
    userId: z.string(),
    sequence: z.number().int(),
    issuedAt: z.string(),
  })
  .openapi('Issued');

export const IssuanceStatusSchema = z
  .object({
    status: z.enum(['ISSUED', 'NOT_ISSUED']),
    campaignId: z.string(),
    userId: z.string(),
    sequence: z.number().int().optional(),
    persisted: z.boolean().optional(),
    issuedAt: z.string().optional(),
  })
  .openapi('IssuanceStatus');

export const CampaignSummarySchema = z
  .object({
    campaignId: z.string(),
    name: z.string(),
    totalQuantity: z.number().int(),
    perUserLimit: z.number().int(),
    startsAt: z.string().nullable(),
    endsAt: z.string().nullable(),
    issued: z.number().int().nullable(),
    remaining: z.number().int().nullable(),
    persisted: z.number().int(),
    ledgerReady: z.boolean(),
  })
  .openapi('CampaignSummary');

/**
 * The cross-field rule (endsAt after startsAt) cannot be said in JSON Schema: it is stated in the
 * descriptions, and the domain (defineCampaign) enforces it with a field-level 400.
 */
export const CreateCampaignBody = z
  .strictObject({
    id: CampaignIdSchema,
    // Trimmed by the domain: a name of spaces only is no name.
    name: z.string().min(1).max(MAX_NAME_LENGTH).regex(/\S/, 'must contain a non-space character'),
    totalQuantity: z.number().int().min(1).max(MAX_TOTAL_QUANTITY).optional(),
    perUserLimit: z.literal(PER_USER_LIMIT).optional(),
    startsAt: z.iso.datetime({ offset: true }).optional(),
    endsAt: z.iso
      .datetime({ offset: true })
      .optional()
      .openapi({
        description:
          'When startsAt is given too, endsAt must be strictly later (an equal or earlier endsAt ' +
          'is 400 VALIDATION_FAILED on field endsAt).',
      }),
  })
  .openapi('CreateCampaign', {
    description: 'Cross-field rule: endsAt, when both are given, is strictly later than startsAt.',
  });

export const CampaignListSchema = z
  .object({ campaigns: z.array(CampaignSummarySchema) })
  .openapi('CampaignList');

export const StatsSchema = z
  .object({
    at: z.string().openapi({ example: '2026-11-25T10:00:00.123Z' }),
    decisions: z.record(z.string(), z.number().int()).openapi({
      description:
        'Cumulative apply decisions of this process by outcome: issued, already-issued, ' +
        'sold-out, not-open, closed, unknown-campaign, ledger-not-ready, error',
      example: { issued: 1000, 'already-issued': 12, 'sold-out': 8988 },
    }),
    outboxDepth: z.number().int().nullable(),
    failedOpen: z.number().int().nullable(),
  })
  .openapi('Stats');

export const LiveSchema = z.object({ status: z.literal('ok') }).openapi('Live');
export const ReadySchema = z
  .object({
    status: z.enum(['ready', 'not-ready']),
    checks: z.record(z.string(), z.object({ ok: z.boolean(), error: z.string().optional() })),
  })
  .openapi('Ready');
