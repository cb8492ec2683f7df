import type { CampaignId } from '../../domain/ids.ts';

/**
 * What one process saw of one campaign during one window (about a second): what a flush adds to
 * the store. Answers are counted by the apply use case's outcome (`issued`, `sold-out`, …, and
 * `error` for a call that threw); the HTTP adapter maps them to status codes.
 */
export interface CampaignTally {
  readonly campaignId: CampaignId;
  /** The whole second (Unix epoch seconds) the window opened in: the row its counts add to. */
  readonly second: number;
  /** Apply answers by outcome; absent outcomes are 0. */
  readonly answers: Readonly<Record<string, number>>;
  /** The most apply calls this process had in flight at once during the window. */
  readonly peakInFlight: number;
  /** Earliest and latest grant instants seen (the coupons' own `issuedAt`). */
  readonly firstGrantAt?: Date | undefined;
  readonly lastGrantAt?: Date | undefined;
  /** When this process first answered sold-out during the window. */
  readonly firstSoldOutAt?: Date | undefined;
  /** Grant → row delays: how many coupons fell in each bucket, keyed by its upper bound (ms). */
  readonly delays: Readonly<Record<number, number>>;
  readonly delayMaxMs?: number | undefined;
  /** Grants without a row that the persistence audit re-emitted during the window. */
  readonly reemitted?: number | undefined;
}

/** One second of a campaign, every process summed. */
export interface ReportSecond {
  readonly second: number;
  readonly answers: Readonly<Record<string, number>>;
  /**
   * The sum over processes of each one's peak in flight that second: exact with one API
   * process, an upper bound with several (their peaks need not coincide).
   */
  readonly peakInFlight: number;
}

/** One API process that answered for the campaign. */
export interface ReportProcess {
  readonly process: string;
  readonly answers: number;
  readonly firstSecond: number;
  readonly lastSecond: number;
  readonly peakInFlight: number;
}

/** Everything kept about one campaign, every flush of every process added up. */
export interface CampaignReportRecord {
  /** Seconds with at least one answer, in order. */
  readonly seconds: readonly ReportSecond[];
  readonly processes: readonly ReportProcess[];
  /** Grant → row delays per bucket (upper bound in ms → coupons). */
  readonly delays: Readonly<Record<number, number>>;
  readonly delayMaxMs: number | undefined;
  readonly firstGrantAt: Date | undefined;
  readonly lastGrantAt: Date | undefined;
  readonly firstSoldOutAt: Date | undefined;
  /** Grants the persistence audit found without a row and re-emitted, over the campaign's life. */
  readonly auditReemitted: number;
}

/** Answers of one campaign in one second: a point of the dashboard's recent history. */
export interface RecentSecond {
  readonly campaignId: CampaignId;
  readonly second: number;
  readonly answers: Readonly<Record<string, number>>;
}

/**
 * Where the per-campaign report is kept (MySQL in production), written once per second per
 * process, never per request.
 */
export interface CampaignReportStore {
  /**
   * Adds the tallies of one flush of `process` (host:pid): every count is ADDED to what is kept,
   * the instants keep their earliest/latest, the peaks and maxima their largest, so several
   * processes (and several windows of one second) sum up. All or nothing. Not idempotent: a
   * flush whose success was not heard and is sent again counts twice (it is rare: the commit
   * itself has to be lost on the way back). Throws StoreUnavailableError when the store cannot
   * be reached.
   */
  add(process: string, tallies: readonly CampaignTally[]): Promise<void>;

  /** Everything kept about the campaign; empty when nothing was ever added for it. */
  read(campaignId: CampaignId): Promise<CampaignReportRecord>;

  /** The answers per campaign and second from `sinceSecond` (epoch seconds) on, in order. */
  recent(sinceSecond: number): Promise<readonly RecentSecond[]>;
}
