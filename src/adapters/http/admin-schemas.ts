import { z } from '@hono/zod-openapi';
import { WARNING_TEXT, type PublicationWarning } from '../../domain/campaign-changes.ts';
import { USER_ID_RULE } from '../../domain/ids.ts';
import {
  CampaignIdSchema,
  CampaignNameSchema,
  TotalQuantitySchema,
  CampaignSummarySchema,
  DATE_TIME_RULE,
  EligibilitySchema,
  OBJECT_RULE,
  OpeningShuffleMsSchema,
  ourWords,
  ProofOfWorkDifficultySchema,
  UserIdSchema,
} from './schemas.ts';

/** The admin API's bodies and answers (the public ones are in schemas.ts, in the same words). */

export const MAX_REASON_LENGTH = 500;
const REASON_RULE = `must be at most ${MAX_REASON_LENGTH} characters`;
/** Users per allowlist call: a million-user list is ten calls. */
export const MAX_ALLOWLIST_BATCH = 100_000;
/** The body limit of an allowlist call: a full batch of the longest ids, with room to spare. */
export const ALLOWLIST_BODY_LIMIT_BYTES = 8 * 1024 * 1024;

const reason = z
  .string(ourWords(REASON_RULE))
  .max(MAX_REASON_LENGTH, ourWords(REASON_RULE))
  .optional()
  .openapi({ description: 'Why, in your words: kept in the audit trail', example: 'fraud ring' });

/** Pause, resume, end: nothing to say but, optionally, why. The body may be left out. */
export const ReasonBody = z.strictObject({ reason }, ourWords(OBJECT_RULE)).openapi('Reason');

const WARNING_CODES = Object.keys(WARNING_TEXT) as [PublicationWarning, ...PublicationWarning[]];
const WARNING_RULE = `must be one of ${WARNING_CODES.join(', ')}`;

export const WarningSchema = z
  .object({ code: z.enum(WARNING_CODES), message: z.string() })
  .openapi('PublicationWarning');

export const warningsBody = (codes: readonly PublicationWarning[]) =>
  codes.map((code) => ({ code, message: WARNING_TEXT[code] }));

export const PublishBody = z
  .strictObject(
    {
      acknowledge: z
        .array(z.enum(WARNING_CODES, ourWords(WARNING_RULE)), ourWords('must be a list of codes'))
        .default([])
        .openapi({
          description:
            'The warnings of the preview you have read and accept; every warning that applies ' +
            'must be listed, or nothing is published (422 UNACKNOWLEDGED_WARNINGS).',
          example: ['NO_ELIGIBILITY'],
        }),
      reason,
    },
    ourWords(OBJECT_RULE),
  )
  .openapi('Publish');

const TIME_ZONE_RULE = 'must be an IANA time zone, e.g. Europe/Berlin or Asia/Seoul';

export const isTimeZone = (zone: string): boolean => {
  try {
    new Intl.DateTimeFormat('en', { timeZone: zone });
    return true;
  } catch {
    return false;
  }
};

export const PreviewQuery = z.object({
  timeZone: z
    .string(ourWords(TIME_ZONE_RULE))
    .refine(isTimeZone, ourWords(TIME_ZONE_RULE))
    .optional()
    .openapi({
      param: { name: 'timeZone', in: 'query' },
      description: 'Show the window in this zone as well (UTC when left out)',
      example: 'Asia/Seoul',
    }),
});

export const PreviewSchema = z
  .object({
    campaign: CampaignSummarySchema,
    timeZone: z.string(),
    window: z.object({
      opens: z.string().openapi({ example: '2027-01-01 18:00:00 GMT+09:00' }),
      closes: z.string().nullable(),
      lasts: z.string().nullable().openapi({ example: '2 h 0 min' }),
    }),
    allowlistSize: z.number().int(),
    warnings: z.array(WarningSchema),
  })
  .openapi('Preview');

const nullableDateTime = (description: string) =>
  z.iso
    .datetime({ offset: true, ...ourWords(DATE_TIME_RULE) })
    .nullable()
    .optional()
    .openapi({ description });

/** A correction: each field left out stays as it is; `null` removes a bound of the window. */
export const CorrectionBody = z
  .strictObject(
    {
      name: CampaignNameSchema.optional(),
      totalQuantity: TotalQuantitySchema.optional().openapi({
        description:
          'A new cap, in force at the very next application. Below the units already ' +
          'consumed (issued - returned) it is refused with 409 BELOW_ISSUED, atomically ' +
          'against the grants in flight.',
      }),
      startsAt: nullableDateTime('A new opening; null: open at once'),
      endsAt: nullableDateTime('A new closing; null: never'),
      eligibility: EligibilitySchema.optional(),
      openingShuffleMs: OpeningShuffleMsSchema.nullable()
        .optional()
        .openapi({ description: 'A new shuffled opening (ms); null or 0: none' }),
      proofOfWorkDifficulty: ProofOfWorkDifficultySchema.nullable()
        .optional()
        .openapi({ description: 'A new proof-of-work difficulty; null: no gate' }),
      reason,
    },
    ourWords(OBJECT_RULE),
  )
  .openapi('Correction');

export const RevokeBody = z
  .strictObject(
    {
      returnToStock: z
        .boolean(ourWords('must be true or false'))
        .default(false)
        .openapi({
          description:
            'Give the unit back: one more applicant can win it. Otherwise the cap shrinks ' +
            'by one for good.',
        }),
      reason,
    },
    ourWords(OBJECT_RULE),
  )
  .openapi('Revoke');

export const RevokedSchema = z
  .object({
    status: z.enum(['REVOKED', 'ALREADY_REVOKED']),
    campaignId: z.string(),
    userId: z.string(),
    sequence: z.number().int(),
    issuedAt: z.string(),
    revokedAt: z.string(),
    returned: z.boolean(),
  })
  .openapi('Revoked');

export const RevokeParams = z.object({
  campaignId: CampaignIdSchema.openapi({ param: { name: 'campaignId', in: 'path' } }),
  userId: UserIdSchema.openapi({ param: { name: 'userId', in: 'path' } }),
});

export const AllowlistBody = z
  .strictObject(
    {
      userIds: z
        .array(UserIdSchema, ourWords(`must be a list of user ids, each ${USER_ID_RULE}`))
        .min(1, ourWords('must list at least one user'))
        .max(MAX_ALLOWLIST_BATCH, ourWords(`must list at most ${MAX_ALLOWLIST_BATCH} users`)),
      reason,
    },
    ourWords(OBJECT_RULE),
  )
  .openapi('AllowlistBatch', {
    description: `Up to ${MAX_ALLOWLIST_BATCH} users per call; send a longer list in batches.`,
  });

export const AllowlistChangedSchema = z
  .object({
    campaignId: z.string(),
    changed: z
      .number()
      .int()
      .openapi({ description: 'Users this call added (or removed); a repeated batch: 0' }),
    size: z.number().int().openapi({ description: 'Users on the list now' }),
  })
  .openapi('AllowlistChanged');

const PAGE_RULE = 'must be a whole number from 1 to 10000';

export const AllowlistQuery = z.object({
  after: UserIdSchema.optional().openapi({
    param: { name: 'after', in: 'query' },
    description: 'The last user id of the page read',
  }),
  limit: z.coerce
    .number(ourWords(PAGE_RULE))
    .int(ourWords(PAGE_RULE))
    .min(1, ourWords(PAGE_RULE))
    .max(10_000, ourWords(PAGE_RULE))
    .default(1000)
    .openapi({ param: { name: 'limit', in: 'query' } }),
});

export const AllowlistPageSchema = z
  .object({
    campaignId: z.string(),
    size: z.number().int(),
    userIds: z.array(z.string()),
    next: z.string().nullable().openapi({ description: 'Pass as `after` for the next page' }),
  })
  .openapi('AllowlistPage');

const AUDIT_LIMIT_RULE = 'must be a whole number from 1 to 500';
const CURSOR_RULE = 'must be an entry id (digits)';

export const AuditQuery = z.object({
  campaignId: CampaignIdSchema.optional().openapi({ param: { name: 'campaignId', in: 'query' } }),
  before: z
    .string(ourWords(CURSOR_RULE))
    .regex(/^[1-9][0-9]{0,18}$/, ourWords(CURSOR_RULE))
    .optional()
    .openapi({
      param: { name: 'before', in: 'query' },
      description: 'The `next` of the page read: entries older than it',
    }),
  limit: z.coerce
    .number(ourWords(AUDIT_LIMIT_RULE))
    .int(ourWords(AUDIT_LIMIT_RULE))
    .min(1, ourWords(AUDIT_LIMIT_RULE))
    .max(500, ourWords(AUDIT_LIMIT_RULE))
    .default(100)
    .openapi({ param: { name: 'limit', in: 'query' } }),
});

export const AuditEntrySchema = z
  .object({
    id: z.string(),
    at: z.string(),
    actor: z.string().openapi({ description: 'The admin identity (ADMIN_TOKEN: `admin`)' }),
    action: z.string().openapi({ example: 'pause' }),
    reason: z.string().optional(),
    campaignId: z.string().optional(),
    before: z
      .unknown()
      .optional()
      .openapi({ description: 'The values the action changed, before' }),
    after: z.unknown().optional().openapi({ description: 'The same values, after' }),
  })
  .openapi('AuditEntry');

export const AuditPageSchema = z
  .object({
    entries: z.array(AuditEntrySchema),
    next: z.string().nullable().openapi({ description: 'Pass as `before` for older entries' }),
  })
  .openapi('AuditPage');
