import type { CampaignId } from './ids.ts';
import type { FieldProblem, Result } from './result.ts';

export const DEFAULT_TOTAL_QUANTITY = 1000;
/** The ledger keeps a set of winners, so one coupon per user is the only limit it can hold. */
export const PER_USER_LIMIT = 1;
export const MAX_TOTAL_QUANTITY = 100_000_000;
/** A campaign's name: 1 to this many characters, not all spaces. */
export const MAX_NAME_LENGTH = 200;

/**
 * What decides an application: how many coupons exist and when they may be applied for. The
 * ledger holds exactly these (IssuancePolicy.decide reads nothing else); a new rule is a field
 * here, read by `decide` and its Lua twin.
 */
export interface CampaignRules {
  readonly totalQuantity: number;
  readonly perUserLimit: number;
  /** Applications before this instant are answered NotOpen. */
  readonly startsAt?: Date;
  /** Applications at or after this instant are answered Closed. */
  readonly endsAt?: Date;
}

/** A coupon drop: its rules, and what names it. */
export interface Campaign extends CampaignRules {
  readonly id: CampaignId;
  readonly name: string;
}

export interface CampaignDraft {
  id: CampaignId;
  name: string;
  totalQuantity?: number;
  perUserLimit?: number;
  startsAt?: Date;
  endsAt?: Date;
}

/** Checks the rules a campaign must satisfy and fills in the defaults. */
export function defineCampaign(draft: CampaignDraft): Result<Campaign> {
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
    },
  };
}
