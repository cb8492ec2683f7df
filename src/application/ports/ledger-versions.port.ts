import type { CampaignId, UserId } from '../../domain/ids.ts';

/**
 * Everything that can change a settled campaign's answers, read in one cheap atomic step: its
 * rules, its readiness, its count and how many winners it holds. Two equal versions mean the
 * ledger would answer every application the same way (a restore only ever adds winners, so the
 * winner count moves when it does; new stock moves the total; a rollback moves count or run).
 */
export interface LedgerVersion {
  readonly ready: boolean;
  /** Identifies the ledger's server process (a restart or failover changes it). */
  readonly run: string;
  readonly totalQuantity: number;
  readonly startsAt: number | undefined;
  readonly endsAt: number | undefined;
  readonly count: number;
  readonly winners: number;
}

/** Cheap reads of a campaign's LedgerVersion (one round trip); undefined when not held plainly. */
export interface LedgerVersions {
  version(campaignId: CampaignId): Promise<LedgerVersion | undefined>;
  /** When each winner was granted (epoch ms), as far as the ledger recorded it. */
  instants(campaignId: CampaignId): Promise<ReadonlyMap<UserId, number>>;
}

export function sameVersion(a: LedgerVersion, b: LedgerVersion): boolean {
  return (
    a.ready === b.ready &&
    a.run === b.run &&
    a.totalQuantity === b.totalQuantity &&
    a.startsAt === b.startsAt &&
    a.endsAt === b.endsAt &&
    a.count === b.count &&
    a.winners === b.winners
  );
}
