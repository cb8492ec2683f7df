import type {
  Admission,
  AdmitApplicantUseCase,
  Refusal,
} from '../../application/admit/admit-applicant.ts';
import type {
  ChallengeOutcome,
  IssueChallengeUseCase,
} from '../../application/admit/issue-challenge.ts';
import type { CampaignId } from '../../domain/ids.ts';
import type { CouponMetrics } from './coupon-metrics.ts';
import type { ProofOutcome } from './proof-metrics.ts';

const OUTCOME: Record<Refusal['kind'], ProofOutcome> = {
  'proof-required': 'required',
  'proof-invalid': 'invalid',
  'proof-expired': 'expired',
  'proof-replayed': 'replayed',
};

/** Counts the gate's answers; an ungated campaign's applications pass uncounted. */
export class MeteredAdmitApplicant implements AdmitApplicantUseCase {
  constructor(
    private readonly inner: AdmitApplicantUseCase,
    private readonly metrics: CouponMetrics,
  ) {}

  async execute(campaignId: CampaignId, solution: string | undefined): Promise<Admission> {
    const admission = await this.inner.execute(campaignId, solution);
    if (admission.kind === 'admitted') {
      if (admission.proven) this.metrics.proofs.checked('solved');
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
