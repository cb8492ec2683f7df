import type { Campaign } from '../../domain/campaign.ts';
import type { Coupon, Revocation } from '../../domain/coupon.ts';
import type { CampaignId, UserId } from '../../domain/ids.ts';
import type { Decision } from '../../domain/issuance-policy.ts';

/**
 * A final answer that grants nothing, as `reserve` gives it (sold-out, closed, already-issued):
 * what `settledAnswer` may know without asking the ledger's store.
 */
export type SettledAnswer = Exclude<Decision, { kind: 'issued' }>;

/** A reservation: the policy's decision, with the coupon itself when one was granted. */
export type Reservation =
  | { readonly kind: 'issued'; readonly coupon: Coupon }
  | Exclude<Decision, { kind: 'issued' }>
  /** The ledger holds no rules for this campaign (never defined, or its keys were lost). */
  | { readonly kind: 'unknown-campaign' }
  /**
   * The ledger holds the campaign but has not been reconciled with the durable record since it
   * (re)started, failed over or was fenced: it may be older than what it acknowledged, so it
   * decides nothing until a restore (G1, G5).
   */
  | { readonly kind: 'not-ready' }
  /**
   * Collected in the campaign's shuffled opening (src/domain/opening.ts): decided at `drawAt`
   * together with every application of the opening, in a random order; `collect` answers it from
   * then on. `entered`: this call added the applicant (false: they were collected already);
   * `collected`: the applicants collected so far (the opening's batch; a sub-ledger's, sharded).
   */
  | {
      readonly kind: 'pooled';
      readonly drawAt: Date;
      readonly entered: boolean;
      readonly collected: number;
    };

/** What the caller vouches for about the applicant beyond the id (a verified token's claims). */
export interface ApplicantClaims {
  /** The value of the deployment's eligibility claim (ELIGIBILITY_CLAIM), when the token has one. */
  readonly segment?: string;
}

/** What the ledger says of one user, read in one atomic step with the campaign's readiness. */
export type GrantLookup =
  | {
      readonly kind: 'granted';
      readonly sequence: number;
      /** When it was granted; undefined when the ledger no longer knows (restored, sharded). */
      readonly issuedAt?: Date;
      /** Set once the coupon was revoked. */
      readonly revoked?: Revocation;
      /**
       * The campaign's grants, counted in the same atomic read (`tally().issued`); undefined
       * where the layout cannot count them in one step (sub-ledgers). What lets a reader tell
       * "every grant is durable" from a count of durable coupons, without a lookup per user.
       */
      readonly issued?: number;
    }
  | { readonly kind: 'none' }
  | { readonly kind: 'unknown-campaign' }
  | { readonly kind: 'not-ready' };

/** What a campaign's ledger has handed out, counted in one atomic read. */
export interface LedgerTally {
  /** Grants made (the highest sequence: a restore's hole counts as granted). */
  readonly issued: number;
  /** Coupons revoked since. */
  readonly revoked: number;
  /** Revoked coupons whose unit went back to stock. */
  readonly returned: number;
}

/** Changing the rules is refused when a lower total would fall below the units already consumed. */
export type DefineOutcome =
  { readonly kind: 'defined' } | { readonly kind: 'below-issued'; readonly consumed: number };

/**
 * The fast, atomic authority on who got a coupon, as the request path needs it: the apply, the
 * status read and the summary, and the rules they are decided by. Recovery (fence, winners,
 * restore, the reconcile claim) is LedgerRecovery's; the operator's other writes (revoke, the
 * allowlist) LedgerControls'. Every method throws LedgerUnavailableError when the ledger cannot
 * be reached; it never guesses.
 */
export interface IssuanceLedger {
  /**
   * Stores the campaign's rules so that `reserve` needs nothing else; on a campaign it holds,
   * replaces the rules and keeps its grants. Atomic against the grants in flight: a total below
   * the units already consumed (granted minus returned) is refused and nothing changes.
   */
  define(campaign: Campaign): Promise<DefineOutcome>;

  /**
   * Decides one application in ONE atomic step: dedupe, window, cap, pause, eligibility and
   * sequence, and on a grant appends the coupon to the outbox in the same step (so a grant is
   * never without its event). Never more than totalQuantity active coupons; at most one grant per
   * (campaign, user), whatever the concurrency. In a shuffled opening the application is
   * collected instead (`pooled`, once per user) and `collect` answers it after the draw; an
   * application after the opening while its pool is undrawn draws it first, in the same step.
   */
  reserve(
    campaignId: CampaignId,
    userId: UserId,
    now: Date,
    claims?: ApplicantClaims,
  ): Promise<Reservation>;

  /**
   * The answer to an application that `reserve` collected at `appliedAt` in a shuffled opening.
   * Still `pooled` before the draw (by `now`); from then on, the first call of any process draws
   * the whole pool in ONE atomic step (a random order, each decided as `reserve` would at its
   * arrival), and each applicant's answer is kept. A grant is answered `issued` once, later
   * calls `already-issued`; a refusal the same each time. An applicant the ledger no longer holds
   * (its pool was lost with a rebuild) is decided now, as `reserve` would at `appliedAt`.
   */
  collect(
    campaignId: CampaignId,
    userId: UserId,
    appliedAt: Date,
    now: Date,
    claims?: ApplicantClaims,
  ): Promise<Reservation>;

  /**
   * The user's coupon according to the ledger. `none` is an answer only from a ready ledger: a
   * fenced one says `not-ready`, since it may have forgotten the grant.
   */
  findGrant(campaignId: CampaignId, userId: UserId): Promise<GrantLookup>;

  /** What the campaign handed out, or undefined when the ledger holds no rules for it. */
  tally(campaignId: CampaignId): Promise<LedgerTally | undefined>;

  /**
   * What `reserve` would answer now, when this process knows it without a round trip because the
   * campaign can grant nothing more to anyone (sold out, or closed by its window): sold-out,
   * closed, or already-issued for a winner. undefined whenever that is not known here (ask
   * `reserve`). Never a grant, and no I/O: synchronous, answered from process memory, as stale
   * as the adapter's copy may be (the Redis one: SETTLED_REVALIDATE_MS plus a round trip, the
   * same bound its `reserve` answers settled campaigns with). What lets a caller skip work that
   * only matters when a grant can result (the proof-of-work gate, AdmitApplicant).
   */
  settledAnswer(campaignId: CampaignId, userId: UserId, now: Date): SettledAnswer | undefined;
}
