import type { CampaignRules } from './campaign.ts';

/** What the ledger knows about one (campaign, user) at the moment of deciding. */
export interface LedgerState {
  /** The user already holds a coupon of this campaign (revoked or not: one per user, ever). */
  readonly alreadyIssued: boolean;
  /** Coupons granted so far in this campaign (the highest sequence). */
  readonly issuedCount: number;
  /** Revoked coupons whose unit went back to stock (absent: none). */
  readonly returned?: number;
  /** The user may win (the campaign's eligibility rule, as the ledger checked it; absent: yes). */
  readonly eligible?: boolean;
}

/**
 * The answer to one application. A struct with `kind` rather than a string enum so that the
 * cases that carry data (the sequence, the opening time) cannot be built without it.
 */
export type Decision =
  | { readonly kind: 'issued'; readonly sequence: number }
  | { readonly kind: 'already-issued' }
  | { readonly kind: 'sold-out' }
  | { readonly kind: 'not-open'; readonly opensAt: Date }
  | { readonly kind: 'closed'; readonly closedAt: Date }
  | { readonly kind: 'paused' }
  | { readonly kind: 'not-eligible' };

/**
 * The one statement of the issuance rules. The in-memory ledger calls it directly; the Redis
 * Lua script implements the same table, and the ledger contract suite proves they agree.
 *
 * Order matters and is part of the contract:
 * 1. a user who already holds a coupon is told so, even after the window closed or stock ran
 *    out (the most useful answer for them, and it never grants anything);
 * 2. outside the window nothing is granted (NotOpen before startsAt, Closed from endsAt on);
 * 3. at the cap the answer is SoldOut: the units consumed (granted, minus those a revocation
 *    returned to stock) reach totalQuantity;
 * 4. a paused campaign grants nothing (the kill switch). It comes after the answers that are
 *    already final (issued, not open, closed, sold out): a pause changes none of them, which is
 *    also why a copy of a sold-out or closed campaign held in memory stays exact under a pause;
 * 5. a user the eligibility rule leaves out is told so, and never counted;
 * 6. otherwise the next sequence is granted (after a returned unit, sequences go past the total:
 *    they stay unique, the active coupons never exceed it).
 */
export function decide(campaign: CampaignRules, state: LedgerState, now: Date): Decision {
  if (state.alreadyIssued) return { kind: 'already-issued' };
  if (campaign.startsAt && now.getTime() < campaign.startsAt.getTime()) {
    return { kind: 'not-open', opensAt: campaign.startsAt };
  }
  if (campaign.endsAt && now.getTime() >= campaign.endsAt.getTime()) {
    return { kind: 'closed', closedAt: campaign.endsAt };
  }
  if (state.issuedCount - (state.returned ?? 0) >= campaign.totalQuantity) {
    return { kind: 'sold-out' };
  }
  if (campaign.paused) return { kind: 'paused' };
  if (state.eligible === false) return { kind: 'not-eligible' };
  return { kind: 'issued', sequence: state.issuedCount + 1 };
}

/**
 * True when `decide` can grant nothing more to anyone, whoever applies: the window closed, or the
 * units consumed reached the total. Only something that changes the campaign (more stock, a new
 * window, a returned unit) can undo it. A pause is not settled: it is lifted without a change of
 * stock or window.
 */
export function grantsNoMore(
  campaign: CampaignRules,
  state: Pick<LedgerState, 'issuedCount' | 'returned'>,
  now: Date,
): boolean {
  if (campaign.endsAt && now.getTime() >= campaign.endsAt.getTime()) return true;
  return state.issuedCount - (state.returned ?? 0) >= campaign.totalQuantity;
}

/** The policy as a named value, for readers who look for `IssuancePolicy.decide`. */
export const IssuancePolicy = { decide } as const;
