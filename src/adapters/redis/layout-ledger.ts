import type {
  ApplicantClaims,
  DefineOutcome,
  GrantLookup,
  LedgerTally,
  Reservation,
} from '../../application/ports/issuance-ledger.port.ts';
import type { RevokeOutcome } from '../../application/ports/ledger-controls.port.ts';
import type { RestoreExtras } from '../../application/ports/ledger-recovery.port.ts';
import type { Campaign } from '../../domain/campaign.ts';
import type { Coupon } from '../../domain/coupon.ts';
import type { CampaignId, UserId } from '../../domain/ids.ts';
import type { HeldElsewhere } from './ledger-codec.ts';

/**
 * One way of laying a campaign out in Redis: the plain ledger (one hash tag) or sub-ledgers
 * (sharded stock). RedisIssuanceLedger and RedisLedgerRecovery pick the layout that holds each
 * campaign; nothing outside this adapter knows there are two. A plain ledger may answer that the
 * campaign is held elsewhere (in sub-ledgers), in the same round trip as its answer.
 */
export interface LayoutLedger {
  define(campaign: Campaign): Promise<DefineOutcome>;
  reserve(
    campaignId: CampaignId,
    userId: UserId,
    now: Date,
    claims?: ApplicantClaims,
  ): Promise<Reservation | HeldElsewhere>;
  collect(
    campaignId: CampaignId,
    userId: UserId,
    appliedAt: Date,
    now: Date,
    claims?: ApplicantClaims,
  ): Promise<Reservation | HeldElsewhere>;
  findGrant(campaignId: CampaignId, userId: UserId): Promise<GrantLookup | HeldElsewhere>;
  tally(campaignId: CampaignId): Promise<LedgerTally | undefined | HeldElsewhere>;
  revoke(
    campaignId: CampaignId,
    userId: UserId,
    options: { readonly returnToStock: boolean; readonly at: Date },
  ): Promise<RevokeOutcome>;
  /** Adds users to the allowlist the ledger holds, or removes them. */
  allow(campaignId: CampaignId, userIds: readonly UserId[], remove?: boolean): Promise<void>;
  /** Rebuilds the campaign in this layout, removing the other one (see LedgerRecovery.restore). */
  restore(campaign: Campaign, coupons: readonly Coupon[], extras?: RestoreExtras): Promise<void>;
}
