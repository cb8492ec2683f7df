import type { CampaignId } from './ids.ts';
import type { FieldProblem, Result } from './result.ts';

export const DEFAULT_TOTAL_QUANTITY = 1000;
/** The ledger keeps a set of winners, so one coupon per user is the only limit it can hold. */
export const PER_USER_LIMIT = 1;
export const MAX_TOTAL_QUANTITY = 100_000_000;
/** A campaign's name: 1 to this many characters, not all spaces. */
export const MAX_NAME_LENGTH = 200;

/** Who may win: anyone, the users of the campaign's allowlist, or holders of a segment claim. */
export type Eligibility =
  | { readonly kind: 'anyone' }
  | { readonly kind: 'allowlist' }
  /** AUTH_MODE=jwt only: the verified token's eligibility claim must carry this value. */
  | { readonly kind: 'segment'; readonly segment: string };

export const ANYONE: Eligibility = { kind: 'anyone' };

/**
 * What decides an application: how many coupons exist, when they may be applied for, whether the
 * drop is paused and who may win. The ledger holds exactly these (IssuancePolicy.decide reads
 * nothing else); a new rule is a field here, read by `decide` and its Lua twin.
 */
export interface CampaignRules {
  readonly totalQuantity: number;
  readonly perUserLimit: number;
  /** Applications before this instant are answered NotOpen. */
  readonly startsAt?: Date;
  /** Applications at or after this instant are answered Closed. */
  readonly endsAt?: Date;
  /** The kill switch: while set, nothing is granted (absent: false). */
  readonly paused?: boolean;
  /** Absent: anyone. */
  readonly eligibility?: Eligibility;
  /**
   * The shuffled opening: applications in the first this-many ms from `startsAt` are collected
   * and decided together, in a random order, once it has passed (see opening.ts). Absent: off.
   */
  readonly openingShuffleMs?: number;
}

/**
 * Where a campaign is in its life: a `draft` is invisible to applicants (404, as if it did not
 * exist) and not in the ledger; `published` is decided by the ledger (absent: published, as every
 * campaign was before drafts existed).
 */
export type PublicationState = 'draft' | 'published';

/** A coupon drop: its rules, its publication, and what names it. */
export interface Campaign extends CampaignRules {
  readonly id: CampaignId;
  readonly name: string;
  readonly state?: PublicationState;
  /**
   * The proof-of-work gate: each application must carry a solved challenge of this difficulty
   * (how many numbers a solver may have to try). Checked before the ledger is asked, so it is
   * not one of the rules the ledger decides by. Absent: no gate.
   */
  readonly proofOfWorkDifficulty?: number;
}

/** The gate's difficulty range: below it a solve is free, above it a phone takes seconds. */
export const MIN_PROOF_OF_WORK_DIFFICULTY = 1_000;
export const MAX_PROOF_OF_WORK_DIFFICULTY = 10_000_000;
export const PROOF_OF_WORK_RULE = `must be a whole number from ${MIN_PROOF_OF_WORK_DIFFICULTY} to ${MAX_PROOF_OF_WORK_DIFFICULTY}`;

/** What an operator sees: the publication, the pause and the window, read at `now`. */
export type CampaignPhase = 'draft' | 'scheduled' | 'live' | 'paused' | 'ended';

export function phaseOf(campaign: Campaign, now: Date): CampaignPhase {
  if (campaign.state === 'draft') return 'draft';
  const at = now.getTime();
  if (campaign.endsAt && at >= campaign.endsAt.getTime()) return 'ended';
  if (campaign.paused) return 'paused';
  if (campaign.startsAt && at < campaign.startsAt.getTime()) return 'scheduled';
  return 'live';
}

export const isDraft = (campaign: Campaign): boolean => campaign.state === 'draft';

export interface CampaignDraft {
  id: CampaignId;
  name: string;
  totalQuantity?: number;
  perUserLimit?: number;
  startsAt?: Date;
  endsAt?: Date;
  eligibility?: Eligibility;
  proofOfWorkDifficulty?: number;
  /** 0 is the same as absent: no shuffled opening. */
  openingShuffleMs?: number;
}

/** Checks the rules a new campaign must satisfy and fills in the defaults; it starts a draft. */
export function defineCampaign(draft: CampaignDraft): Result<Campaign> {
  const checked = checkCampaign(draft);
  if (!checked.ok) return checked;
  return { ok: true, value: { ...checked.value, state: 'draft' } };
}

/**
 * One way to write each campaign: a field holding its default (published, not paused, anyone)
 * is left out, as a campaign from before these fields existed has it. Every adapter hands
 * campaigns back in this form, so two that hold the same rules compare equal.
 */
export function canonicalCampaign(campaign: Campaign): Campaign {
  const { state, paused, eligibility, ...rest } = campaign;
  return {
    ...rest,
    ...(state === 'draft' ? { state } : {}),
    ...(paused ? { paused } : {}),
    ...(eligibility && eligibility.kind !== 'anyone' ? { eligibility } : {}),
  };
}

/** The rules every campaign satisfies, new or corrected; defaults filled in. */
export function checkCampaign(draft: CampaignDraft): Result<Campaign> {
  const problems: FieldProblem[] = [];
  const totalQuantity = draft.totalQuantity ?? DEFAULT_TOTAL_QUANTITY;
  const perUserLimit = draft.perUserLimit ?? PER_USER_LIMIT;
  if (draft.name.trim().length === 0 || draft.name.length > MAX_NAME_LENGTH) {
    problems.push({ field: 'name', message: `must be 1-${MAX_NAME_LENGTH} characters` });
  }
  if (!Number.isInteger(totalQuantity) || totalQuantity < 1 || totalQuantity > MAX_TOTAL_QUANTITY) {
    problems.push({
      field: 'totalQuantity',
      message: `must be a whole number from 1 to ${MAX_TOTAL_QUANTITY}`,
    });
  }
  if (perUserLimit !== PER_USER_LIMIT) {
    problems.push({ field: 'perUserLimit', message: 'only 1 coupon per user is supported' });
  }
  if (draft.startsAt && draft.endsAt && draft.endsAt.getTime() <= draft.startsAt.getTime()) {
    problems.push({ field: 'endsAt', message: 'must be after startsAt' });
  }
  const eligibility = draft.eligibility ?? ANYONE;
  if (eligibility.kind === 'segment' && !SEGMENT.test(eligibility.segment)) {
    problems.push({ field: 'eligibility.segment', message: SEGMENT_RULE });
  }
  const difficulty = draft.proofOfWorkDifficulty;
  if (
    difficulty !== undefined &&
    (!Number.isInteger(difficulty) ||
      difficulty < MIN_PROOF_OF_WORK_DIFFICULTY ||
      difficulty > MAX_PROOF_OF_WORK_DIFFICULTY)
  ) {
    problems.push({ field: 'proofOfWorkDifficulty', message: PROOF_OF_WORK_RULE });
  }
  const shuffleMs = draft.openingShuffleMs === 0 ? undefined : draft.openingShuffleMs;
  if (shuffleMs !== undefined) problems.push(...openingProblems(shuffleMs, draft));
  if (problems.length > 0) return { ok: false, problems };
  return {
    ok: true,
    value: {
      id: draft.id,
      name: draft.name.trim(),
      totalQuantity,
      perUserLimit,
      ...(draft.startsAt ? { startsAt: draft.startsAt } : {}),
      ...(draft.endsAt ? { endsAt: draft.endsAt } : {}),
      ...(eligibility.kind !== 'anyone' ? { eligibility } : {}),
      ...(difficulty !== undefined ? { proofOfWorkDifficulty: difficulty } : {}),
      ...(shuffleMs !== undefined ? { openingShuffleMs: shuffleMs } : {}),
    },
  };
}

/** The shuffled opening's length: long enough to level a burst, short enough to wait for. */
export const MAX_OPENING_SHUFFLE_MS = 60_000;
export const OPENING_SHUFFLE_RULE = `must be a whole number of ms from 0 (off) to ${MAX_OPENING_SHUFFLE_MS}`;

/** A shuffled opening needs an opening instant, and a window that outlasts it. */
function openingProblems(shuffleMs: number, draft: CampaignDraft): FieldProblem[] {
  if (!Number.isInteger(shuffleMs) || shuffleMs < 0 || shuffleMs > MAX_OPENING_SHUFFLE_MS) {
    return [{ field: 'openingShuffleMs', message: OPENING_SHUFFLE_RULE }];
  }
  if (!draft.startsAt) {
    return [{ field: 'openingShuffleMs', message: 'needs startsAt: the opening it shuffles' }];
  }
  if (draft.endsAt && draft.endsAt.getTime() <= draft.startsAt.getTime() + shuffleMs) {
    return [{ field: 'openingShuffleMs', message: 'must end before endsAt' }];
  }
  return [];
}

/** A segment value: what a JWT claim carries and the ledger compares, plain characters only. */
export const SEGMENT = /^[A-Za-z0-9_.:-]{1,64}$/;
export const SEGMENT_RULE = 'must be 1-64 characters of A-Z, a-z, 0-9, _ . : and -';
