import type { CampaignId, UserId } from './ids.ts';

/**
 * A granted coupon. `sequence` is the grant order within the campaign, 1-based and unique;
 * gap-free except in sharded-stock mode (docs/scaling.md), where it is only unique.
 */
export interface Coupon {
  readonly campaignId: CampaignId;
  readonly userId: UserId;
  readonly sequence: number;
  readonly issuedAt: Date;
}
