import { isDraft } from '../../domain/campaign.ts';
import type { Coupon, Revocation } from '../../domain/coupon.ts';
import type { CampaignId, UserId } from '../../domain/ids.ts';
import type { CampaignRepository } from '../ports/campaign-repository.port.ts';
import type { Clock } from '../ports/clock.port.ts';
import { LedgerUnavailableError } from '../errors.ts';
import type {
  ApplicantClaims,
  IssuanceLedger,
  Reservation,
  SettledAnswer,
} from '../ports/issuance-ledger.port.ts';
import type { SellOutAnnouncer } from './sell-out-announcer.ts';

/** Asks for a campaign's ledger to be reconciled (LedgerReconciler), without waiting. */
export interface ReconcileRequests {
  /**
   * Asks for the campaign to be reconciled. `background` (the periodic check) waits behind
   * requests made because someone is applying or reading now.
   */
  request(campaignId: CampaignId, urgency?: 'now' | 'background'): unknown;
}

export type ApplyOutcome =
  | { readonly kind: 'issued'; readonly coupon: Coupon }
  /** The holder's coupon, so a retry after a lost 201 is as good as the 201 (issuedAt if known). */
  | {
      readonly kind: 'already-issued';
      readonly sequence: number | undefined;
      readonly issuedAt: Date | undefined;
      /** Set when the holder's coupon was revoked since (one coupon per user, ever). */
      readonly revoked?: Revocation;
    }
  | { readonly kind: 'sold-out' }
  | { readonly kind: 'not-open'; readonly opensAt: Date }
  | { readonly kind: 'closed'; readonly closedAt: Date }
  /** The operator paused the drop (the kill switch): nothing is granted until they resume it. */
  | { readonly kind: 'paused' }
  /** The campaign's eligibility rule leaves this user out: never counted. */
  | { readonly kind: 'not-eligible' }
  /** No such campaign, or a draft (invisible to applicants until it is published). */
  | { readonly kind: 'unknown-campaign' }
  /**
   * The campaign exists but the ledger lost it, or holds it without having been reconciled
   * since it (re)started or failed over: refuse until it is (G1, G5). Reconciliation was asked.
   */
  | { readonly kind: 'ledger-not-ready' };

/** The apply use case as its callers (the HTTP adapter) and its decorators (metering) see it. */
export interface ApplyForCouponUseCase {
  /**
   * `settled`: the ledger's final answer, already given from process memory (the proof-of-work
   * gate asked it first, AdmitApplicant): used instead of a reservation, never a grant.
   */
  execute(
    campaignId: CampaignId,
    userId: UserId,
    claims?: ApplicantClaims,
    settled?: SettledAnswer,
  ): Promise<ApplyOutcome>;
}

/** How long an "is this campaign known durably?" answer is reused on the rare unknown path. */
const CATALOG_TTL_MS = 1000;

/**
 * A collected application asks for its answer when the draw is due by this process' clock; asked
 * early (another process' clock, a slow draw), it asks again after a short, growing pause. The
 * draw is one script, so a few asks suffice; a campaign that never answers is a 503, not a wait.
 */
const COLLECT_BACKOFF_MS = [5, 10, 20, 50, 100, 200] as const;
const MAX_COLLECTS = 40;

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/**
 * A user applies for a coupon. The ledger alone decides (one atomic step, no database on the
 * hot path). Only when the ledger does not know the campaign is the durable catalog asked,
 * to tell "no such campaign" (404) from "the ledger lost its data" (503, fail closed). A ledger
 * that lost or is not sure of a campaign gets it reconciled in the background.
 */
export class ApplyForCoupon implements ApplyForCouponUseCase {
  readonly #known = new Map<CampaignId, { exists: boolean; until: number }>();

  constructor(
    private readonly ledger: IssuanceLedger,
    private readonly campaigns: CampaignRepository,
    private readonly clock: Clock,
    private readonly reconciler: ReconcileRequests,
    private readonly announcer?: SellOutAnnouncer,
    private readonly pause: (ms: number) => Promise<void> = sleep,
  ) {}

  async execute(
    campaignId: CampaignId,
    userId: UserId,
    claims?: ApplicantClaims,
    settled?: SettledAnswer,
  ): Promise<ApplyOutcome> {
    const now = this.clock.now();
    // An application the gate let through unproven because the campaign grants nothing more
    // must not reserve: the copy behind that answer may have been dropped since (the campaign
    // re-opened), and a reservation now could grant without a solution.
    let reservation: Reservation =
      settled ?? (await this.ledger.reserve(campaignId, userId, now, claims));
    // A shuffled opening: the answer comes after the draw (src/domain/opening.ts).
    if (reservation.kind === 'pooled') {
      reservation = await this.afterDraw(campaignId, userId, now, reservation.drawAt, claims);
    }
    if (reservation.kind === 'issued') this.announcer?.granted(campaignId);
    else if (reservation.kind === 'sold-out') this.announcer?.soldOut(campaignId);
    if (reservation.kind === 'not-ready') {
      this.reconciler.request(campaignId);
      return { kind: 'ledger-not-ready' };
    }
    if (reservation.kind === 'already-issued') return this.holding(campaignId, userId);
    if (reservation.kind !== 'unknown-campaign') return reservation;
    if (!(await this.existsDurably(campaignId, now))) return { kind: 'unknown-campaign' };
    this.reconciler.request(campaignId);
    return { kind: 'ledger-not-ready' };
  }

  /** Waits for the opening's draw, then asks for this application's answer (see COLLECT_…). */
  private async afterDraw(
    campaignId: CampaignId,
    userId: UserId,
    appliedAt: Date,
    drawAt: Date,
    claims: ApplicantClaims | undefined,
  ): Promise<Exclude<Reservation, { kind: 'pooled' }>> {
    let due = drawAt;
    for (let asked = 0; asked < MAX_COLLECTS; asked++) {
      const early = due.getTime() - this.clock.now().getTime();
      const backoff = asked === 0 ? 0 : (COLLECT_BACKOFF_MS[asked - 1] ?? 200);
      if (early > 0 || backoff > 0) await this.pause(Math.max(early, backoff));
      const now = this.clock.now();
      const answer = await this.ledger.collect(campaignId, userId, appliedAt, now, claims);
      if (answer.kind !== 'pooled') return answer;
      due = answer.drawAt;
    }
    throw new LedgerUnavailableError(new Error(`the opening of ${campaignId} was not drawn`));
  }

  /** The coupon the user already holds, from the ledger (one read, only on this rare path). */
  private async holding(campaignId: CampaignId, userId: UserId): Promise<ApplyOutcome> {
    const grant = await this.ledger.findGrant(campaignId, userId);
    return grant.kind === 'granted'
      ? {
          kind: 'already-issued',
          sequence: grant.sequence,
          issuedAt: grant.issuedAt,
          ...(grant.revoked ? { revoked: grant.revoked } : {}),
        }
      : { kind: 'already-issued', sequence: undefined, issuedAt: undefined };
  }

  private async existsDurably(campaignId: CampaignId, now: Date): Promise<boolean> {
    const cached = this.#known.get(campaignId);
    if (cached && cached.until > now.getTime()) return cached.exists;
    // A draft is not in the ledger, on purpose: to applicants it does not exist yet.
    const campaign = await this.campaigns.find(campaignId);
    const exists = campaign !== undefined && !isDraft(campaign);
    if (this.#known.size > 10_000) this.#known.clear(); // bounded: ids come from callers
    this.#known.set(campaignId, { exists, until: now.getTime() + CATALOG_TTL_MS });
    return exists;
  }
}
