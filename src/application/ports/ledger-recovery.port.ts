import type { Campaign } from '../../domain/campaign.ts';
import type { Coupon, Revocation } from '../../domain/coupon.ts';
import type { CampaignId, UserId } from '../../domain/ids.ts';

/**
 * What bringing a ledger back in line with the durable record needs of it, and nothing the
 * request path uses: reconciliation (ReconcileLedger), rebuild-ledger and the periodic check.
 * However the adapter lays a campaign out, these see the campaign whole. Every method throws
 * LedgerUnavailableError when the ledger cannot be reached.
 */
export interface LedgerRecovery {
  /**
   * Stops the campaign deciding (reserve and findGrant answer `not-ready`) until the next
   * restore, however it is laid out. Idempotent.
   */
  fence(campaignId: CampaignId): Promise<void>;

  /** Every grant the ledger holds for the campaign, ready or not: what a reconciliation keeps. */
  winners(campaignId: CampaignId): Promise<ReadonlyMap<UserId, number>>;

  /** Every revocation the ledger holds for the campaign, ready or not: kept like the winners. */
  revocations(campaignId: CampaignId): Promise<ReadonlyMap<UserId, Revocation>>;

  /**
   * Replaces the campaign's grants with `coupons` and its rules with `campaign`, atomically for
   * every application, and makes the campaign ready again. The caller passes the MERGE of the
   * durable record and `winners()` (a restore must never drop a grant the ledger made). The
   * count becomes at least the highest restored sequence and never goes below the ledger's own,
   * so a hole never lets a sequence be reused or the cap be exceeded. The revocations given (the
   * merge of the record's and `revocations()`) are restored with them, the units they returned
   * still counted as returned; the allowlist is replaced by `allowlist` when given. Idempotent.
   * Does NOT append to the outbox (these coupons are persisted or already on their way).
   */
  restore(campaign: Campaign, coupons: readonly Coupon[], extras?: RestoreExtras): Promise<void>;

  /**
   * Claims the right to reconcile the campaign for `ttlMs` across every process sharing the
   * ledger; false when another holder has it. A claim lapses by itself (a crashed holder).
   */
  claim(campaignId: CampaignId, ttlMs: number): Promise<boolean>;

  /** Gives a claim back before it lapses (the reconciliation is over, whatever its outcome). */
  release(campaignId: CampaignId): Promise<void>;

  /**
   * Grants of many campaigns (as `IssuanceLedger.issuedCount`), in as few round trips as the
   * ledger allows: the periodic check reads the whole catalog's. A campaign the ledger holds no
   * rules for is absent from the map.
   */
  issuedCounts(campaignIds: readonly CampaignId[]): Promise<ReadonlyMap<CampaignId, number>>;
}

/** What a restore puts back besides the grants. */
export interface RestoreExtras {
  readonly revocations?: ReadonlyMap<UserId, Revocation>;
  /** The campaign's allowlist as the durable record holds it (only for an allowlisted campaign). */
  readonly allowlist?: readonly UserId[];
}
