import type { CampaignId, UserId } from '../../domain/ids.ts';

/** One grant as the ledger holds it: what was promised to a user (a 201). */
export interface LedgerGrant {
  readonly sequence: number;
  readonly userId: UserId;
  readonly issuedAt: Date;
}

/**
 * What one audit cycle learns about a campaign's ledger in ONE round trip: enough to skip a
 * campaign that is settled and already audited without reading anything else.
 */
export type LedgerAuditSnapshot =
  | {
      readonly kind: 'ready';
      /** How many grants the ledger holds (revoked ones included: their rows stay, marked). */
      readonly grants: number;
      /** The highest sequence granted: the upper end of the ranges to compare. */
      readonly highest: number;
      /** `grants` as it was when an audit last found both sides equal (see markAudited). */
      readonly auditedGrants: number | undefined;
      /** Entries in the campaign's outbox not yet acknowledged by a relay. */
      readonly outboxDepth: number;
      /**
       * Units of revoked coupons returned to stock: `highest - returned` is what the stock check
       * counts, so the campaign is sold out once that reaches its total.
       */
      readonly returned: number;
    }
  /** The ledger cannot be audited as it is: no such campaign, or another layout holds it. */
  | { readonly kind: 'unavailable'; readonly reason: 'unknown' | 'sharded' | 'index-incomplete' };

/**
 * What the ledger can tell the audit of changes in ONE cheap read, whatever the number of
 * campaigns: what lets a settled, clean campaign cost nothing per cycle until something happens
 * to it (issue 28).
 */
export interface LedgerChanges {
  /**
   * The ledger store's incarnation: a restart from an older file, a failover or a restored backup
   * each make a new one (the same run every campaign's readiness is judged by). Everything the
   * audit learnt under another run is void.
   */
  readonly run: string;
  /**
   * Campaigns that granted, revoked or re-emitted lately: those this process did since the last
   * call, and those any process marked in the shared activity index (kept there for a quiet
   * time that outlasts an audit cycle). Listed at least once after each such change.
   */
  readonly touched: ReadonlySet<CampaignId>;
}

/**
 * The ledger's side of the persistence audit (issue 22): the ledger's winners are the record of
 * what was promised, so MySQL is compared with them, by sequence ranges (cheap at any size), and
 * repaired from them. Reads nothing whole: counts per range, and the grants of one range.
 */
export interface LedgerAudit {
  snapshot(campaignId: CampaignId): Promise<LedgerAuditSnapshot>;
  /** The changes since the last call (see LedgerChanges): one read for the whole catalog. */
  changes(): Promise<LedgerChanges>;
  /**
   * Grants per range: ranges of `size` sequences, the i-th covering
   * [from + i·size, from + (i+1)·size − 1], up to `to` inclusive. One count per range, in order.
   */
  countByRange(campaignId: CampaignId, from: number, to: number, size: number): Promise<number[]>;
  /** The grants with a sequence in [from, to], in sequence order. */
  grantsIn(campaignId: CampaignId, from: number, to: number): Promise<LedgerGrant[]>;
  /**
   * Appends the grants of these sequences to the campaign's outbox again, read from the ledger
   * itself in the same atomic step (user, issuedAt, revocation): a sequence the ledger does not
   * hold is skipped, so this can never create a coupon that was not granted (G4). Returns how many
   * were appended. Delivery then follows the normal path (relay, log, idempotent insert).
   */
  reemit(campaignId: CampaignId, sequences: readonly number[]): Promise<number>;
  /**
   * Takes (or renews, when `holder` already has it) the campaign's audit lease for `ttlMs`: one
   * process audits a campaign at a time across processes. False when another holds it.
   */
  claim(campaignId: CampaignId, holder: string, ttlMs: number): Promise<boolean>;
  /** Records that both sides held exactly `grants` equal grants: the next cycles may skip. */
  markAudited(campaignId: CampaignId, grants: number): Promise<void>;
}
