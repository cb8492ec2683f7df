import type { CampaignId, UserId } from '../../domain/ids.ts';
import type { ApplyForCouponUseCase, ApplyOutcome } from '../issue/apply-for-coupon.ts';
import type { ReportTally } from './report-tally.ts';
import type { ApplicantClaims, SettledAnswer } from '../ports/issuance-ledger.port.ts';

/**
 * Feeds the campaign report's counters from every apply answer: a decorator of the use case, so
 * the HTTP adapter and the metrics stay as they are. Its whole cost on the request path is two
 * integer updates for the in-flight count and one Map lookup plus an increment for the answer;
 * the store is written once a second by FlushReportTally, never here.
 *
 * An unknown campaign is not counted: its id is whatever the caller sent, and no report exists
 * for it. A call that threw (the ledger unreachable, 503) counts as `error`.
 */
export class TalliedApplyForCoupon implements ApplyForCouponUseCase {
  constructor(
    private readonly inner: ApplyForCouponUseCase,
    private readonly tally: ReportTally,
  ) {}

  async execute(
    campaignId: CampaignId,
    userId: UserId,
    claims?: ApplicantClaims,
    settled?: SettledAnswer,
  ): Promise<ApplyOutcome> {
    const tally = this.tally;
    tally.started();
    try {
      const outcome = await this.inner.execute(campaignId, userId, claims, settled);
      if (outcome.kind === 'issued') tally.granted(outcome.coupon);
      else if (outcome.kind === 'sold-out') tally.soldOut(campaignId);
      else if (outcome.kind !== 'unknown-campaign') tally.answered(campaignId, outcome.kind);
      return outcome;
    } catch (error) {
      tally.answered(campaignId, 'error');
      throw error;
    } finally {
      tally.ended();
    }
  }
}
