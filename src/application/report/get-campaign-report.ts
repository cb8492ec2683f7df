import type { Campaign } from '../../domain/campaign.ts';
import type { CampaignId } from '../../domain/ids.ts';
import { LedgerUnavailableError } from '../errors.ts';
import type { CampaignRepository } from '../ports/campaign-repository.port.ts';
import type {
  CampaignReportStore,
  ReportProcess,
  ReportSecond,
} from '../ports/campaign-report-store.port.ts';
import type { Clock } from '../ports/clock.port.ts';
import type { CouponRepository } from '../ports/coupon-repository.port.ts';
import type { IssuanceLedger, LedgerTally } from '../ports/issuance-ledger.port.ts';
import { summariseDelays, type DelaySummary } from './delay-buckets.ts';

/** Grants as the ledger counts them against the rows the durable store holds. */
export interface GrantsAgainstRows {
  /** Coupons the ledger granted; null when it could not be asked or no longer holds the campaign. */
  readonly issued: number | null;
  /** Rows in the durable store (MySQL). */
  readonly rows: number;
  /**
   * Users answered 201 who have no row: `issued - rows`. Grants still on their way through the
   * outbox, Kafka and the consumer count here for a second or two; once the pipeline has caught
   * up it must be 0 (G3). Null when `issued` is.
   */
  readonly withoutRow: number | null;
  /**
   * The persistence audit's figure (issue 22): grants it found without a row, older than its
   * grace period with nothing in flight, and re-emitted, over the campaign's life. Each became
   * its row again; a non-zero figure means Kafka or MySQL lost something it had acknowledged.
   */
  readonly auditReemitted: number;
}

export interface SellOut {
  readonly firstGrantAt: Date | undefined;
  readonly lastGrantAt: Date | undefined;
  /** When a process first answered sold-out (nobody may have asked after the last grant). */
  readonly firstSoldOutAnswerAt: Date | undefined;
  /** Every coupon granted (by the ledger's count). */
  readonly soldOut: boolean;
  /** First grant to last grant, once sold out: how long the stock lasted. */
  readonly durationMs: number | null;
}

export interface CampaignReport {
  readonly campaign: Campaign;
  readonly generatedAt: Date;
  /** Answers over the campaign's life by outcome (`issued`, `sold-out`, …, `error`). */
  readonly answers: Readonly<Record<string, number>>;
  readonly applications: number;
  readonly seconds: readonly ReportSecond[];
  readonly peakInFlight: number;
  readonly processes: readonly ReportProcess[];
  readonly sellOut: SellOut;
  readonly delays: DelaySummary & {
    readonly buckets: readonly { readonly leMs: number; readonly count: number }[];
  };
  readonly grants: GrantsAgainstRows;
}

/**
 * Builds a campaign's report when someone asks for it: what the processes flushed to the report
 * store, and the ledger's count of grants against the rows in the durable store (one count
 * each; an admin read, never on the apply path).
 */
export class GetCampaignReport {
  constructor(
    private readonly campaigns: Pick<CampaignRepository, 'find'>,
    private readonly store: CampaignReportStore,
    private readonly ledger: Pick<IssuanceLedger, 'tally'>,
    private readonly coupons: Pick<CouponRepository, 'countByCampaigns'>,
    private readonly clock: Clock,
  ) {}

  async execute(campaignId: CampaignId): Promise<CampaignReport | undefined> {
    const campaign = await this.campaigns.find(campaignId);
    if (!campaign) return undefined;
    const [record, tally, rows] = await Promise.all([
      this.store.read(campaignId),
      this.tally(campaignId),
      this.coupons.countByCampaigns([campaignId]),
    ]);
    const answers: Record<string, number> = {};
    for (const second of record.seconds) {
      for (const [outcome, count] of Object.entries(second.answers)) {
        answers[outcome] = (answers[outcome] ?? 0) + count;
      }
    }
    const stored = rows.get(campaignId) ?? 0;
    const issued = tally?.issued ?? null;
    const soldOut = tally !== null && tally.issued - tally.returned >= campaign.totalQuantity;
    const { firstGrantAt, lastGrantAt } = record;
    return {
      campaign,
      generatedAt: this.clock.now(),
      answers,
      applications: Object.values(answers).reduce((sum, n) => sum + n, 0),
      seconds: record.seconds,
      peakInFlight: record.seconds.reduce((peak, s) => Math.max(peak, s.peakInFlight), 0),
      processes: record.processes,
      sellOut: {
        firstGrantAt,
        lastGrantAt,
        firstSoldOutAnswerAt: record.firstSoldOutAt,
        soldOut,
        durationMs:
          soldOut && firstGrantAt && lastGrantAt
            ? lastGrantAt.getTime() - firstGrantAt.getTime()
            : null,
      },
      delays: {
        ...summariseDelays(record.delays, record.delayMaxMs),
        buckets: Object.entries(record.delays)
          .map(([leMs, count]) => ({ leMs: Number(leMs), count }))
          .sort((a, b) => a.leMs - b.leMs),
      },
      grants: {
        issued,
        rows: stored,
        withoutRow: issued === null ? null : Math.max(0, issued - stored),
        auditReemitted: record.auditReemitted,
      },
    };
  }

  /** The ledger's counts; a report is still worth reading while the ledger cannot be asked. */
  private async tally(campaignId: CampaignId): Promise<LedgerTally | null> {
    try {
      return (await this.ledger.tally(campaignId)) ?? null;
    } catch (error) {
      if (error instanceof LedgerUnavailableError) return null;
      throw error;
    }
  }
}
