import type { CampaignReportStore, RecentSecond } from '../ports/campaign-report-store.port.ts';
import type { Clock } from '../ports/clock.port.ts';

/** How far back the dashboard's history reaches. */
export const RECENT_SECONDS = 600;

export interface RecentAnswers {
  /** The first second of the history (epoch seconds) and the last whole second before now. */
  readonly fromSecond: number;
  readonly toSecond: number;
  readonly seconds: readonly RecentSecond[];
}

/**
 * The last ten minutes of answers per campaign and second, as the report store has them (every
 * process's flushes): the dashboard's history, so a page opened after a drop still shows it.
 */
export class ListRecentAnswers {
  constructor(
    private readonly store: Pick<CampaignReportStore, 'recent'>,
    private readonly clock: Clock,
  ) {}

  async execute(): Promise<RecentAnswers> {
    const toSecond = Math.floor(this.clock.now().getTime() / 1000) - 1;
    const fromSecond = toSecond - RECENT_SECONDS + 1;
    return { fromSecond, toSecond, seconds: await this.store.recent(fromSecond) };
  }
}
