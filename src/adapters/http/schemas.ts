import { z } from '@hono/zod-openapi';
import {
  DEFAULT_TOTAL_QUANTITY,
  MAX_NAME_LENGTH,
  MAX_PROOF_OF_WORK_DIFFICULTY,
  MAX_TOTAL_QUANTITY,
  MIN_PROOF_OF_WORK_DIFFICULTY,
  PER_USER_LIMIT,
  PROOF_OF_WORK_RULE,
  MAX_OPENING_SHUFFLE_MS,
  OPENING_SHUFFLE_RULE,
  SEGMENT,
  SEGMENT_RULE,
} from '../../domain/campaign.ts';
import { CAMPAIGN_ID, CAMPAIGN_ID_RULE, USER_ID, USER_ID_RULE } from '../../domain/ids.ts';

/**
 * The zod schemas validate requests AND generate the OpenAPI document, so the two cannot drift.
 * The limits and id rules come from the domain.
 *
 * Every check of a field says the field's one rule, in our words (`ourWords`): a client reads
 * "must be a whole number from 1 to 100000000" once, never zod's "Too big: expected int to be
 * <=9007199254740991" next to it (the validation hook keeps one problem per field).
 */
export const ourWords = (rule: string) => ({
  error: (issue: { readonly input?: unknown }) =>
    issue.input === undefined ? 'is required' : rule,
});

export const NAME_RULE = `must be 1-${MAX_NAME_LENGTH} characters, not only spaces`;
export const TOTAL_QUANTITY_RULE = `must be a whole number from 1 to ${MAX_TOTAL_QUANTITY}`;
export const PER_USER_LIMIT_RULE = `only ${PER_USER_LIMIT} coupon per user is supported`;
/** zod's own "Invalid ISO datetime" never said that the offset is what was missing. */
export const DATE_TIME_RULE =
  'must be an ISO-8601 date-time with an offset, e.g. 2027-01-01T00:00:00Z';
export const OBJECT_RULE = 'must be a JSON object';

export const CampaignIdSchema = z
  .string(ourWords(CAMPAIGN_ID_RULE))
  .regex(CAMPAIGN_ID, ourWords(CAMPAIGN_ID_RULE))
  .openapi({ example: 'default' });
export const UserIdSchema = z
  .string(ourWords(USER_ID_RULE))
  .regex(USER_ID, ourWords(USER_ID_RULE))
  .openapi({ example: 'user-42' });

export const CampaignParams = z.object({
  campaignId: CampaignIdSchema.openapi({ param: { name: 'campaignId', in: 'path' } }),
});
export const IssuanceParams = z.object({
  campaignId: CampaignIdSchema.openapi({ param: { name: 'campaignId', in: 'path' } }),
  userId: UserIdSchema.openapi({ param: { name: 'userId', in: 'path' } }),
});

export const ApplyBody = z
  .strictObject({ userId: UserIdSchema }, ourWords(OBJECT_RULE))
  .openapi('ApplyRequest');
/** AUTH_MODE=jwt: the user is the token's subject; a body userId may only repeat it. */
export const ApplyBodyJwt = z
  .strictObject({ userId: UserIdSchema.optional() }, ourWords(OBJECT_RULE))
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
  revokedAt: z
    .string()
    .optional()
    .openapi({ description: 'Set when the coupon was revoked since: one coupon per user, ever' }),
  returned: z.boolean().optional(),
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
    status: z.enum(['ISSUED', 'REVOKED', 'NOT_ISSUED']).openapi({
      description: 'REVOKED: the user won, and an admin revoked the coupon since',
    }),
    campaignId: z.string(),
    userId: z.string(),
    sequence: z.number().int().optional(),
    persisted: z.boolean().optional(),
    issuedAt: z.string().optional(),
    revokedAt: z.string().optional(),
    returned: z
      .boolean()
      .optional()
      .openapi({ description: "Whether the revoked coupon's unit went back to stock" }),
  })
  .openapi('IssuanceStatus');

const ELIGIBILITY_RULE =
  'must be {"kind":"anyone"}, {"kind":"allowlist"} or {"kind":"segment","segment":"…"}';

export const EligibilitySchema = z
  .discriminatedUnion(
    'kind',
    [
      z.object({ kind: z.literal('anyone') }),
      z.object({ kind: z.literal('allowlist') }),
      z.object({
        kind: z.literal('segment'),
        segment: z
          .string(ourWords(SEGMENT_RULE))
          .regex(SEGMENT, ourWords(SEGMENT_RULE))
          .openapi({ example: 'vip' }),
      }),
    ],
    ourWords(ELIGIBILITY_RULE),
  )
  .openapi('Eligibility', {
    description:
      "Who may win: `anyone`; the users of the campaign's `allowlist` (uploaded by admins); or " +
      "holders of a `segment` (AUTH_MODE=jwt: the verified token's ELIGIBILITY_CLAIM must carry " +
      'this value). Others get 403 NOT_ELIGIBLE and are never counted.',
  });

export const CampaignSummarySchema = z
  .object({
    campaignId: z.string(),
    name: z.string(),
    state: z.enum(['draft', 'published']),
    phase: z.enum(['draft', 'scheduled', 'live', 'paused', 'ended']).openapi({
      description:
        'Where the campaign is now: `draft` (not published: applicants get 404), ' +
        '`scheduled` (before startsAt), `live`, `paused` (applications get 503 CAMPAIGN_PAUSED), ' +
        '`ended` (from endsAt on)',
    }),
    paused: z.boolean(),
    eligibility: EligibilitySchema,
    totalQuantity: z.number().int(),
    perUserLimit: z.number().int(),
    startsAt: z.string().nullable(),
    endsAt: z.string().nullable(),
    openingShuffleMs: z
      .number()
      .int()
      .nullable()
      .openapi({
        description:
          'The shuffled opening: null when off; else applications of the first this-many ms ' +
          'from startsAt are answered once it has passed, decided in a random order',
      }),
    proofOfWorkDifficulty: z
      .number()
      .int()
      .nullable()
      .openapi({
        description:
          'The proof-of-work gate: null when off; else each application must carry a solved ' +
          'challenge (GET /campaigns/{campaignId}/challenge) of this difficulty',
      }),
    issued: z.number().int().nullable().openapi({ description: 'Coupons granted' }),
    revoked: z.number().int().nullable().openapi({ description: 'Granted coupons revoked since' }),
    returned: z
      .number()
      .int()
      .nullable()
      .openapi({ description: 'Revoked coupons whose unit went back to stock' }),
    active: z.number().int().nullable().openapi({ description: 'issued - revoked' }),
    remaining: z
      .number()
      .int()
      .nullable()
      .openapi({ description: 'Units left to grant: totalQuantity - (issued - returned)' }),
    persisted: z.number().int(),
    ledgerReady: z.boolean(),
  })
  .openapi('CampaignSummary');

/** The proof-of-work gate's difficulty, by the domain's rule: the same on create and on a correction. */
export const OpeningShuffleMsSchema = z
  .number(ourWords(OPENING_SHUFFLE_RULE))
  .int(ourWords(OPENING_SHUFFLE_RULE))
  .min(0, ourWords(OPENING_SHUFFLE_RULE))
  .max(MAX_OPENING_SHUFFLE_MS, ourWords(OPENING_SHUFFLE_RULE))
  .openapi({
    description:
      'The shuffled opening (W, in ms; 0: off): applications that arrive in the first W ms ' +
      'from startsAt (which it needs) are collected and, once W has passed, decided in a random ' +
      'order instead of arrival order; their answers come after W. Later applications are ' +
      'first come, first served. Left out: off.',
    example: 500,
  });

export const ProofOfWorkDifficultySchema = z
  .number(ourWords(PROOF_OF_WORK_RULE))
  .int(ourWords(PROOF_OF_WORK_RULE))
  .min(MIN_PROOF_OF_WORK_DIFFICULTY, ourWords(PROOF_OF_WORK_RULE))
  .max(MAX_PROOF_OF_WORK_DIFFICULTY, ourWords(PROOF_OF_WORK_RULE))
  .openapi({
    description:
      'Turns on the proof-of-work gate against macros: each application must carry a solved ' +
      'challenge (GET /campaigns/{campaignId}/challenge) whose number lies in 0..difficulty, so a ' +
      'solve costs half that many SHA-256 hashes on average (docs/proof-of-work.md has the ' +
      'measured solve times). Left out: no gate.',
    example: 100_000,
  });

/**
 * A proof-of-work challenge (the ALTCHA protocol): find `number` in 0..maxnumber with
 * SHA-256(salt + number) = challenge, then send base64(JSON {algorithm, challenge, number, salt,
 * signature}) in the X-Proof-Of-Work header of the application.
 */
export const ChallengeSchema = z
  .object({
    algorithm: z.string().openapi({ example: 'SHA-256' }),
    challenge: z.string(),
    maxnumber: z.number().int(),
    salt: z.string(),
    signature: z.string(),
    expiresAt: z.string().openapi({ description: 'After this instant the solution is refused' }),
  })
  .openapi('ProofOfWorkChallenge');

/** The application's proof of work (only a gated campaign reads it). */
export const ProofHeaders = z.object({
  'x-proof-of-work': z
    .string()
    .optional()
    .openapi({
      description:
        'On a campaign with `proofOfWorkDifficulty`: the solved challenge of GET ' +
        '/campaigns/{campaignId}/challenge, as base64(JSON {algorithm, challenge, number, salt, ' +
        'signature}). Each solution is accepted once and until the challenge expires. Missing: ' +
        '428 PROOF_REQUIRED; wrong or for another campaign: 403 PROOF_INVALID; too late: 403 ' +
        'PROOF_EXPIRED; used before: 403 PROOF_REPLAYED. Ignored on a campaign without a gate.',
    }),
});

/** A campaign's name and cap, by the domain's rules: the same on create and on a correction. */
export const CampaignNameSchema = z
  .string(ourWords(NAME_RULE))
  .min(1, ourWords(NAME_RULE))
  .max(MAX_NAME_LENGTH, ourWords(NAME_RULE))
  .regex(/\S/, ourWords(NAME_RULE));
export const TotalQuantitySchema = z
  .number(ourWords(TOTAL_QUANTITY_RULE))
  .int(ourWords(TOTAL_QUANTITY_RULE))
  .min(1, ourWords(TOTAL_QUANTITY_RULE))
  .max(MAX_TOTAL_QUANTITY, ourWords(TOTAL_QUANTITY_RULE));

const dateTime = (description: string, example: string) =>
  z.iso
    .datetime({ offset: true, ...ourWords(DATE_TIME_RULE) })
    .optional()
    .openapi({ description, example });

/**
 * The cross-field rule (endsAt strictly after startsAt) cannot be said in JSON Schema, which
 * compares no two values: it is stated in the descriptions (and shown by the examples), and the
 * domain (defineCampaign) enforces it with a field-level 400 on endsAt. scripts/fuzz-openapi.sh
 * tells Schemathesis the same rule, so it does not count that 400 as a valid body refused.
 */
export const CreateCampaignBody = z
  .strictObject(
    {
      id: CampaignIdSchema,
      // Trimmed by the domain: a name of spaces only is no name.
      name: CampaignNameSchema.openapi({ example: 'Black Friday' }),
      // The defaults are the domain's (defineCampaign fills them in); declared here so a client
      // reading the document knows what leaving the field out means.
      totalQuantity: TotalQuantitySchema.optional().openapi({
        default: DEFAULT_TOTAL_QUANTITY,
        description: `How many coupons the campaign has; ${DEFAULT_TOTAL_QUANTITY} when left out.`,
        example: 1000,
      }),
      perUserLimit: z
        .literal(PER_USER_LIMIT, ourWords(PER_USER_LIMIT_RULE))
        .optional()
        .openapi({
          default: PER_USER_LIMIT,
          description: `Coupons per user: ${PER_USER_LIMIT}, the only limit supported.`,
        }),
      startsAt: dateTime(
        'First instant applications are taken (ISO-8601 with an offset, e.g. `Z`); ' +
          'open at once when left out.',
        '2027-01-01T09:00:00Z',
      ),
      endsAt: dateTime(
        'First instant applications are refused as CLOSED (ISO-8601 with an offset); never ' +
          'when left out. With startsAt, it must be strictly later: an equal or earlier endsAt ' +
          'is 400 VALIDATION_FAILED on field endsAt.',
        '2027-01-02T00:00:00Z',
      ),
      eligibility: EligibilitySchema.optional().openapi({
        description: 'Who may win; `anyone` when left out.',
      }),
      openingShuffleMs: OpeningShuffleMsSchema.optional(),
      proofOfWorkDifficulty: ProofOfWorkDifficultySchema.optional(),
    },
    ourWords(OBJECT_RULE),
  )
  .openapi('CreateCampaign', {
    description:
      'Cross-field rules: when both are given, endsAt is strictly later than startsAt ' +
      '(endsAt == startsAt is refused with 400 VALIDATION_FAILED on field endsAt); a non-zero ' +
      'openingShuffleMs needs startsAt, and startsAt + openingShuffleMs before endsAt (else 400 ' +
      'on field openingShuffleMs).',
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
    proofs: z
      .object({
        challenges: z.number().int().openapi({ description: 'Challenges handed out' }),
        outcomes: z.record(z.string(), z.number().int()).openapi({
          description:
            'Proofs of work of gated applications by outcome: solved (accepted), required ' +
            '(missing), invalid, expired, replayed',
          example: { solved: 1000, required: 40, invalid: 3, expired: 1, replayed: 12 },
        }),
      })
      .optional()
      .openapi({ description: "The proof-of-work gate's counters of this process" }),
    openings: z
      .object({
        applicants: z.number().int().openapi({
          description: 'Applicants collected for the draws of shuffled openings, each once',
        }),
        waits: z.number().int().openapi({
          description: 'Applications that waited for a draw, a user applying twice counted twice',
        }),
        lastBatch: z
          .number()
          .int()
          .openapi({
            description:
              'Applicants collected so far by the opening this process last collected for ' +
              '(with sharded stock, one sub-ledger’s)',
          }),
      })
      .optional()
      .openapi({ description: "The shuffled openings' counters of this process" }),
  })
  .openapi('Stats');

export const LiveSchema = z.object({ status: z.literal('ok') }).openapi('Live');
export const ReadySchema = z
  .object({
    status: z.enum(['ready', 'not-ready']),
    checks: z.record(
      z.string(),
      z.object({
        ok: z.boolean(),
        error: z.string().optional(),
        adapter: z.string().optional().openapi({
          description: '"memory" for a part held in this process (embedded mode)',
        }),
      }),
    ),
    audit: z
      .object({
        grantsWithoutRow: z.number().int(),
        oldestMissingAgeMs: z.number(),
        rowsWithoutGrant: z.number().int(),
        repairs: z.number().int(),
        unclean: z.array(z.record(z.string(), z.unknown())),
      })
      .optional()
      .openapi({
        description:
          "The persistence audit's last figures (issue 22): grants without a MySQL row, the " +
          'age of the oldest, rows without a grant (never deleted), repairs done by this process',
      }),
  })
  .openapi('Ready');
