import type { GrantLookup, Reservation } from '../../application/ports/issuance-ledger.port.ts';
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
  define(campaign: Campaign): Promise<void>;
  reserve(campaignId: CampaignId, userId: UserId, now: Date): Promise<Reservation | HeldElsewhere>;
  findGrant(campaignId: CampaignId, userId: UserId): Promise<GrantLookup | HeldElsewhere>;
  issuedCount(campaignId: CampaignId): Promise<number | undefined | 'held-elsewhere'>;
  /** Rebuilds the campaign in this layout, removing the other one (see LedgerRecovery.restore). */
  restore(campaign: Campaign, coupons: readonly Coupon[]): Promise<void>;
}
