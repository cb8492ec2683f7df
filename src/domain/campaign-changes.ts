import {
  canonicalCampaign,
  checkCampaign,
  isDraft,
  type Campaign,
  type Eligibility,
} from './campaign.ts';
import type { Result } from './result.ts';

/**
 * What an operator may change on a campaign, draft or live. Each field absent stays as it is;
 * `null` removes a bound. Whether a lower total is still above what was issued is the ledger's
 * to say, atomically against the grants in flight (a domain rule that needs the ledger's state).
 */
export interface CampaignCorrection {
  readonly name?: string;
  readonly totalQuantity?: number;
  readonly startsAt?: Date | null;
  readonly endsAt?: Date | null;
  readonly eligibility?: Eligibility;
  /** `null` removes the proof-of-work gate. */
  readonly proofOfWorkDifficulty?: number | null;
  /** `null` (or 0) turns the shuffled opening off. */
  readonly openingShuffleMs?: number | null;
}

/** The campaign with the correction applied, checked by the same rules as a new campaign. */
export function correct(campaign: Campaign, change: CampaignCorrection): Result<Campaign> {
  const pick = <T>(value: T | null | undefined, current: T | undefined): T | undefined =>
    value === null ? undefined : (value ?? current);
  const startsAt = pick(change.startsAt, campaign.startsAt);
  const endsAt = pick(change.endsAt, campaign.endsAt);
  const difficulty = pick(change.proofOfWorkDifficulty, campaign.proofOfWorkDifficulty);
  const shuffleMs = pick(change.openingShuffleMs, campaign.openingShuffleMs);
  const checked = checkCampaign({
    id: campaign.id,
    name: change.name ?? campaign.name,
    totalQuantity: change.totalQuantity ?? campaign.totalQuantity,
    perUserLimit: campaign.perUserLimit,
    ...(startsAt ? { startsAt } : {}),
    ...(endsAt ? { endsAt } : {}),
    eligibility: change.eligibility ?? campaign.eligibility ?? { kind: 'anyone' },
    ...(difficulty !== undefined ? { proofOfWorkDifficulty: difficulty } : {}),
    ...(shuffleMs !== undefined ? { openingShuffleMs: shuffleMs } : {}),
  });
  if (!checked.ok) return checked;
  const { state, paused } = campaign;
  const kept = { ...(state ? { state } : {}), ...(paused ? { paused } : {}) };
  return { ok: true, value: canonicalCampaign({ ...checked.value, ...kept }) };
}

/**
 * Ends the campaign at `now`: every later application is answered Closed. A campaign that had
 * not opened yet gets its opening moved to just before, so the window stays a window.
 */
export function endNow(campaign: Campaign, now: Date): Campaign {
  const at = now.getTime();
  const opensLater = campaign.startsAt !== undefined && campaign.startsAt.getTime() >= at;
  return {
    ...campaign,
    endsAt: now,
    ...(opensLater ? { startsAt: new Date(at - 1) } : {}),
  };
}

export const paused = (campaign: Campaign, pause: boolean): Campaign =>
  canonicalCampaign({ ...campaign, paused: pause });

/** What a careful colleague would say before a campaign is published. */
export type PublicationWarning =
  | 'WINDOW_ALREADY_OPEN'
  | 'ENDS_WITHIN_MINUTES'
  | 'WINDOW_UNDER_A_MINUTE'
  | 'CAP_FAR_ABOVE_PREVIOUS'
  | 'NO_ELIGIBILITY'
  | 'ALLOWLIST_EMPTY';

export const WARNING_TEXT: Readonly<Record<PublicationWarning, string>> = {
  WINDOW_ALREADY_OPEN:
    'the window is already open: applications are decided the moment it is published',
  ENDS_WITHIN_MINUTES: `the window ends within ${10} minutes of now`,
  WINDOW_UNDER_A_MINUTE: 'the window lasts less than a minute',
  CAP_FAR_ABOVE_PREVIOUS: 'the cap is more than 10 times the largest of any previous campaign',
  NO_ELIGIBILITY: 'no eligibility is set: anyone may win',
  ALLOWLIST_EMPTY: 'the allowlist is empty: nobody can win',
};

export interface PublicationContext {
  readonly now: Date;
  /** The largest totalQuantity of the other campaigns (undefined: there are none). */
  readonly largestPreviousTotal: number | undefined;
  /** Users on the campaign's allowlist (0 when it has none). */
  readonly allowlistSize: number;
}

const MINUTE = 60_000;

/** Every warning that applies to publishing `campaign` at `context.now`, in a stable order. */
export function publicationWarnings(
  campaign: Campaign,
  context: PublicationContext,
): PublicationWarning[] {
  const now = context.now.getTime();
  const warnings: PublicationWarning[] = [];
  if (!campaign.startsAt || campaign.startsAt.getTime() <= now)
    warnings.push('WINDOW_ALREADY_OPEN');
  if (campaign.endsAt && campaign.endsAt.getTime() - now < 10 * MINUTE) {
    warnings.push('ENDS_WITHIN_MINUTES');
  }
  const opens = Math.max(now, campaign.startsAt?.getTime() ?? now);
  if (campaign.endsAt && campaign.endsAt.getTime() - opens < MINUTE) {
    warnings.push('WINDOW_UNDER_A_MINUTE');
  }
  const largest = context.largestPreviousTotal;
  if (largest !== undefined && campaign.totalQuantity > 10 * largest) {
    warnings.push('CAP_FAR_ABOVE_PREVIOUS');
  }
  const eligibility = campaign.eligibility?.kind ?? 'anyone';
  if (eligibility === 'anyone') warnings.push('NO_ELIGIBILITY');
  if (eligibility === 'allowlist' && context.allowlistSize === 0) warnings.push('ALLOWLIST_EMPTY');
  return warnings;
}

export type Publication =
  | { readonly kind: 'published'; readonly campaign: Campaign }
  | { readonly kind: 'already-published' }
  /** Warnings that were not acknowledged: nothing was published. */
  | { readonly kind: 'unacknowledged'; readonly warnings: readonly PublicationWarning[] };

/** Publishes a draft when every warning that applies was acknowledged. */
export function publish(
  campaign: Campaign,
  warnings: readonly PublicationWarning[],
  acknowledged: readonly string[],
): Publication {
  if (!isDraft(campaign)) return { kind: 'already-published' };
  const missing = warnings.filter((warning) => !acknowledged.includes(warning));
  if (missing.length > 0) return { kind: 'unacknowledged', warnings: missing };
  return { kind: 'published', campaign: canonicalCampaign({ ...campaign, state: 'published' }) };
}
