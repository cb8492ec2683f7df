import type {
  ApplyForCouponUseCase,
  ApplyOutcome,
} from '../../application/issue/apply-for-coupon.ts';
import type { CampaignId, UserId } from '../../domain/ids.ts';
import type { CouponMetrics } from './coupon-metrics.ts';
import type {
  ApplicantClaims,
  SettledAnswer,
} from '../../application/ports/issuance-ledger.port.ts';

/**
 * Counts apply decisions by outcome: a decorator of the use case, bound in the container by
 * metricsModule. Counted here, not at the ledger, because `ledger-not-ready` is decided by
 * ApplyForCoupon (the ledger only says "unknown"). One counter increment per call.
 */
export class MeteredApplyForCoupon implements ApplyForCouponUseCase {
  constructor(
    private readonly inner: ApplyForCouponUseCase,
    private readonly metrics: CouponMetrics,
  ) {}

  async execute(
    campaignId: CampaignId,
    userId: UserId,
    claims?: ApplicantClaims,
    settled?: SettledAnswer,
  ): Promise<ApplyOutcome> {
    try {
      const outcome = await this.inner.execute(campaignId, userId, claims, settled);
      this.metrics.recordDecision(outcome.kind);
      return outcome;
    } catch (error) {
      this.metrics.recordDecision('error');
      throw error;
    }
  }
}
