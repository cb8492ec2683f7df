import type { Campaign } from '../../domain/campaign.ts';
import type { CampaignId, UserId } from '../../domain/ids.ts';
import type { Clock } from '../ports/clock.port.ts';
import type { IssuanceLedger, SettledAnswer } from '../ports/issuance-ledger.port.ts';
import type { ProofOfWork, SpentProofs } from '../ports/proof-of-work.port.ts';
import type { GatedCampaigns } from './gated-campaigns.ts';

/** Why an application is refused before the ledger is asked, or that it may go on. */
export type Admission =
  /** `proven`: a solution was checked and spent (a gated campaign); false: no gate to pass. */
  | { readonly kind: 'admitted'; readonly proven: boolean }
  /**
   * The campaign can grant nothing more (sold out, or closed), and the ledger knows it from
   * process memory: `answer` is the ledger's final answer to this applicant, given without the
   * gate. No grant can result, so a solution protects nothing here; checking and spending one
   * would only cost the stampede after a sell-out an HMAC, a hash and a Redis command each.
   * ApplyForCoupon answers with it instead of reserving (so nothing in between can turn it into
   * an ungated reservation).
   */
  | { readonly kind: 'settled'; readonly answer: SettledAnswer }
  /**
   * Neither the catalog nor the ledger knows the campaign: it cannot be granted (unknown, or a
   * draft), so it is answered as unknown without reserving (see GatedCampaigns).
   */
  | { readonly kind: 'unknown-campaign' }
  /** The campaign has a proof-of-work gate and the application carries no solution. */
  | { readonly kind: 'proof-required' }
  /** Malformed, forged, for another campaign, or a wrong number. */
  | { readonly kind: 'proof-invalid' }
  | { readonly kind: 'proof-expired' }
  /** A valid solution that was already accepted once (here or in another process). */
  | { readonly kind: 'proof-replayed' };

/** The gate's own refusals (each a stable 4xx code of its own). */
export type Refusal = Exclude<Admission, { kind: 'admitted' | 'unknown-campaign' | 'settled' }>;

export interface AdmitApplicantUseCase {
  execute(campaignId: CampaignId, userId: UserId, solution: string | undefined): Promise<Admission>;
}

const UNGATED: Admission = { kind: 'admitted', proven: false };
const UNKNOWN: Admission = { kind: 'unknown-campaign' };
const PROVEN: Admission = { kind: 'admitted', proven: true };
/** Campaigns whose last known gate is kept for when the catalog cannot be read. */
const MAX_REMEMBERED = 10_000;

/**
 * The proof-of-work gate in front of ApplyForCoupon. Whether a campaign is gated comes from the
 * catalog in process memory (one read of the whole catalog per second, not one per request; a
 * campaign just published by another process is looked up, see GatedCampaigns), and a solution is checked locally: a missing, wrong or expired solution
 * costs no Redis or MySQL round trip. Only a valid one is spent, in one atomic step shared by
 * every process, so it is accepted once.
 *
 * The order, for a gated campaign: first whether the ledger already knows, from process memory,
 * that the campaign grants nothing more (sold out or closed): then the applicant gets that final
 * answer (410, 403 CLOSED, or a winner's 409 with their coupon) without a solution, since none
 * can be granted anything; this is most of a stampede after its sell-out, which the ungated
 * service answers from memory too. Everything else, all that can still grant, passes the gate
 * first: no grant without a valid, unused solution.
 *
 * A gate changed by an operator is in force here within the catalog's refresh. When the catalog
 * cannot be read, the campaign's last known gate is used; a campaign never seen by this process
 * is then refused by the error (fail closed: a gate is never skipped for want of knowing it).
 */
export class AdmitApplicant implements AdmitApplicantUseCase {
  readonly #lastKnown = new Map<CampaignId, number | undefined | 'unknown'>();

  constructor(
    private readonly campaigns: Pick<GatedCampaigns, 'find'>,
    private readonly proofs: ProofOfWork,
    private readonly spent: SpentProofs,
    private readonly clock: Clock,
    private readonly ledger: Pick<IssuanceLedger, 'settledAnswer'>,
  ) {}

  async execute(
    campaignId: CampaignId,
    userId: UserId,
    solution: string | undefined,
  ): Promise<Admission> {
    const now = this.clock.now();
    // Before the gate, and before even the catalog: a final answer that grants nothing needs no
    // solution (see above), gated or not (ungated, it is the answer `reserve` gives from the
    // same copy). Only a campaign the ledger holds can be settled: never an unknown or a draft.
    const answer = this.ledger.settledAnswer(campaignId, userId, now);
    if (answer) return { kind: 'settled', answer };
    const difficulty = await this.difficultyOf(campaignId);
    if (difficulty === 'unknown') return UNKNOWN;
    // Ungated drafts go on: ApplyForCoupon answers them (404) as before.
    if (difficulty === undefined) return UNGATED;
    if (solution === undefined || solution === '') return { kind: 'proof-required' };
    const check = await this.proofs.verify(campaignId, solution, now);
    if (check.kind === 'invalid') return { kind: 'proof-invalid' };
    if (check.kind === 'expired') return { kind: 'proof-expired' };
    return (await this.spent.spend(check.id, check.expiresAt, now))
      ? PROVEN
      : { kind: 'proof-replayed' };
  }

  private async difficultyOf(campaignId: CampaignId): Promise<number | undefined | 'unknown'> {
    let campaign: Campaign | undefined;
    try {
      campaign = await this.campaigns.find(campaignId);
    } catch (error) {
      if (this.#lastKnown.has(campaignId)) return this.#lastKnown.get(campaignId);
      throw error;
    }
    const difficulty = campaign ? campaign.proofOfWorkDifficulty : 'unknown';
    if (this.#lastKnown.size >= MAX_REMEMBERED && !this.#lastKnown.has(campaignId)) {
      this.#lastKnown.clear(); // bounded: ids come from callers
    }
    this.#lastKnown.set(campaignId, difficulty);
    return difficulty;
  }
}
