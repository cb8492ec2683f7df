import type { CampaignId } from '../../domain/ids.ts';

/** Why a cycle found grants without a row and re-emitted none of them (yet). */
export type RepairDeferral =
  /** Younger than the grace period: probably still on its way to MySQL. */
  | 'grace'
  /** The campaign's outbox still holds entries: they may be the missing rows. */
  | 'outbox'
  /** The event log holds events the consumer has not committed: they may be the missing rows. */
  | 'log'
  /** The log's backlog could not be read: acting blind could only duplicate work, so wait. */
  | 'log-unknown'
  /** Only reported (an operator's `npm run audit` without --repair). */
  | 'report-only';

/** What one audit of one campaign found: the figures the metrics, health and CLI show. */
export interface PersistenceFinding {
  readonly campaignId: CampaignId;
  /** Grants the ledger holds, and rows the durable record holds. */
  readonly grants: number;
  readonly rows: number;
  /** Ranges whose counts differ, and how many of them this cycle listed in detail. */
  readonly mismatchedRanges: number;
  readonly listedRanges: number;
  /** Grants without a row in the listed ranges (a lower bound when not every range was listed). */
  readonly missing: number;
  /** Age of the oldest grant without a row (ms), 0 when none. */
  readonly oldestMissingAgeMs: number;
  /** Rows without a grant (G4 breached by someone): reported, never deleted. */
  readonly foreign: number;
  /** Grants re-emitted by this cycle. */
  readonly repaired: number;
  readonly deferred?: RepairDeferral;
  /** True when both sides were found equal (the next cycles may skip the campaign). */
  readonly clean: boolean;
}

/** The figures of a campaign that was found clean without being read (audited before). */
export function cleanFinding(campaignId: CampaignId, grants: number): PersistenceFinding {
  return {
    campaignId,
    grants,
    rows: grants,
    mismatchedRanges: 0,
    listedRanges: 0,
    missing: 0,
    oldestMissingAgeMs: 0,
    foreign: 0,
    repaired: 0,
    clean: true,
  };
}

/** The audit's figures across campaigns: what /health/ready and the dashboard show. */
export interface AuditSummary {
  /** Grants without a row, summed over the campaigns (a lower bound, see `missing`). */
  readonly grantsWithoutRow: number;
  /** Age of the oldest grant without a row in any campaign (ms), 0 when none. */
  readonly oldestMissingAgeMs: number;
  /** Rows without a grant (G4 breached by someone): reported, never deleted. */
  readonly rowsWithoutGrant: number;
  /** Grants re-emitted by this process since it started. */
  readonly repairs: number;
  /** The campaigns whose last audit was not clean, with their figures. */
  readonly unclean: readonly PersistenceFinding[];
}

export function summarize(findings: readonly PersistenceFinding[], repairs: number): AuditSummary {
  const unclean = findings.filter((finding) => !finding.clean);
  return {
    grantsWithoutRow: unclean.reduce((sum, f) => sum + f.missing, 0),
    oldestMissingAgeMs: unclean.reduce((max, f) => Math.max(max, f.oldestMissingAgeMs), 0),
    rowsWithoutGrant: unclean.reduce((sum, f) => sum + f.foreign, 0),
    repairs,
    unclean,
  };
}
