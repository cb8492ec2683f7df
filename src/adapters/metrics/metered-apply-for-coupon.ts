import type { ApplyForCoupon } from '../../application/apply-for-coupon.ts';
import type { CouponMetrics } from './coupon-metrics.ts';

/**
 * Counts apply decisions by outcome. They are counted at the use case, not at the ledger,
 * because `ledger-not-ready` is decided by ApplyForCoupon (the ledger only says "unknown").
 *
 * ApplyForCoupon is a concrete class with private state, so instead of a wrapper object this
 * replaces `execute` on the one singleton instance: the instance keeps its identity and type,
 * and the class itself knows nothing about metrics. Idempotent per instance.
 */
export function meterApplyForCoupon(
  useCase: ApplyForCoupon,
  metrics: CouponMetrics,
): ApplyForCoupon {
  if (metered.has(useCase)) return useCase;
  metered.add(useCase);
  const execute = useCase.execute.bind(useCase);
  useCase.execute = async (campaignId, userId) => {
    try {
      const outcome = await execute(campaignId, userId);
      metrics.recordDecision(outcome.kind);
      return outcome;
    } catch (error) {
      metrics.recordDecision('error');
      throw error;
    }
  };
  return useCase;
}

const metered = new WeakSet<ApplyForCoupon>();
