import type { CampaignId, UserId } from '../../domain/ids.ts';

/** One row of the durable record, as the audit compares it with the ledger's grant. */
export interface RecordRow {
  readonly sequence: number;
  readonly userId: UserId;
}

/**
 * The durable record's side of the persistence audit: it only reads. Rows are written by the
 * normal path alone (the consumer's idempotent insert), and never deleted by the audit.
 */
export interface RecordAudit {
  /** Rows of each campaign of `campaignIds`, in ONE read; a campaign without rows is absent. */
  counts(campaignIds: readonly CampaignId[]): Promise<ReadonlyMap<CampaignId, number>>;
  /** Rows per range, laid out as LedgerAudit.countByRange's (one count per range, in order). */
  countByRange(campaignId: CampaignId, from: number, to: number, size: number): Promise<number[]>;
  /** The rows with a sequence in [from, to], in sequence order. */
  rowsIn(campaignId: CampaignId, from: number, to: number): Promise<RecordRow[]>;
}
