import type {
  Admission,
  AdmitApplicantUseCase,
  Refusal,
} from '../../application/admit/admit-applicant.ts';
import type {
  ChallengeOutcome,
  IssueChallengeUseCase,
} from '../../application/admit/issue-challenge.ts';
import type { CampaignId, UserId } from '../../domain/ids.ts';
import type { CouponMetrics } from './coupon-metrics.ts';
import type { ProofOutcome } from './proof-metrics.ts';

const OUTCOME: Record<Refusal['kind'], ProofOutcome> = {
  'proof-required': 'required',
  'proof-invalid': 'invalid',
  'proof-expired': 'expired',
  'proof-replayed': 'replayed',
};

/**
 * Counts the gate's answers; an ungated campaign's applications pass uncounted, and so do those
 * answered before the gate because the campaign grants nothing more (ApplyForCoupon counts their
 * answer, 410 and the like, as every apply decision).
 */
export class MeteredAdmitApplicant implements AdmitApplicantUseCase {
  constructor(
    private readonly inner: AdmitApplicantUseCase,
    private readonly metrics: CouponMetrics,
  ) {}

  async execute(
    campaignId: CampaignId,
    userId: UserId,
    solution: string | undefined,
  ): Promise<Admission> {
    const admission = await this.inner.execute(campaignId, userId, solution);
    if (admission.kind === 'admitted') {
      if (admission.proven) this.metrics.proofs.checked('solved');
    } else if (admission.kind === 'settled') {
      // Not a proof check: no solution was looked at.
    } else if (admission.kind === 'unknown-campaign') {
      // Decided here instead of by ApplyForCoupon: still an apply decision.
      this.metrics.recordDecision('unknown-campaign');
    } else {
      this.metrics.proofs.checked(OUTCOME[admission.kind]);
    }
    return admission;
  }
}

/** Counts the challenges handed out. */
export class MeteredIssueChallenge implements IssueChallengeUseCase {
  constructor(
    private readonly inner: IssueChallengeUseCase,
    private readonly metrics: CouponMetrics,
  ) {}

  async execute(campaignId: CampaignId): Promise<ChallengeOutcome> {
    const outcome = await this.inner.execute(campaignId);
    if (outcome.kind === 'challenge') this.metrics.proofs.challengeIssued();
    return outcome;
  }
}
