import { hostname } from 'node:os';
import type { ApplyForCouponUseCase } from '../../application/issue/apply-for-coupon.ts';
import type { CampaignRepository } from '../../application/ports/campaign-repository.port.ts';
import type { CouponRepository } from '../../application/ports/coupon-repository.port.ts';
import type { IssuanceLedger } from '../../application/ports/issuance-ledger.port.ts';
import { FlushReportTally } from '../../application/report/flush-report-tally.ts';
import { GetCampaignReport } from '../../application/report/get-campaign-report.ts';
import { ListRecentAnswers } from '../../application/report/list-recent-answers.ts';
import { ReportTally } from '../../application/report/report-tally.ts';
import { TalliedApplyForCoupon } from '../../application/report/tallied-apply-for-coupon.ts';
import { TalliedCouponRepository } from '../../application/report/tallied-coupon-repository.ts';
import type { Ports } from './ports.ts';

export interface ReportOptions {
  /**
   * The counters on the apply path and the consumer's write (REPORT_COUNTERS); on by default.
   * Off, this process adds nothing to any report (the benchmark prices them this way); the
   * report and the dashboard's history still show what other processes flushed.
   */
  readonly counters?: boolean;
}

/** Who flushed a count: the host and the process id, as an operator finds it in `ps`. */
export const PROCESS_NAME = `${hostname()}:${process.pid}`;

/**
 * The campaign report's part of the core (issue 26): one tally per process, the decorators that
 * feed it (outermost on the apply use case and on the coupon store, so they see what callers
 * see) and the use cases over the report store.
 */
export function composeReport(ports: Ports, options: ReportOptions = {}) {
  const { clock, logger } = ports;
  const tally = new ReportTally(clock);
  const on = options.counters ?? true;
  return {
    /** Where the persistence audit counts what it re-emits (always, even with counters off). */
    reemissions: tally as Pick<ReportTally, 'reemitted'>,
    tallyAnswers: (apply: ApplyForCouponUseCase): ApplyForCouponUseCase =>
      on ? new TalliedApplyForCoupon(apply, tally) : apply,
    tallyDelays: (coupons: CouponRepository): CouponRepository =>
      on ? new TalliedCouponRepository(coupons, tally, clock) : coupons,
    useCases: (catalog: CampaignRepository, ledger: IssuanceLedger, coupons: CouponRepository) => ({
      flushReport: new FlushReportTally(tally, ports.reports, catalog, PROCESS_NAME, logger),
      getCampaignReport: new GetCampaignReport(catalog, ports.reports, ledger, coupons, clock),
      listRecentAnswers: new ListRecentAnswers(ports.reports, clock),
    }),
  };
}
