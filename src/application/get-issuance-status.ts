import type { CampaignId, UserId } from '../domain/ids.ts';
import type { CampaignRepository } from './ports/campaign-repository.port.ts';
import type { CouponRepository } from './ports/coupon-repository.port.ts';
import type { IssuanceLedger } from './ports/issuance-ledger.port.ts';

export type IssuanceStatus =
  | {
      readonly kind: 'issued';
      readonly sequence: number;
      /** True once the coupon is in the durable store; false while it is on its way. */
      readonly persisted: boolean;
      readonly issuedAt: Date | undefined;
    }
  | { readonly kind: 'not-issued' }
  | { readonly kind: 'unknown-campaign' }
  /** Not stored yet, and the ledger lost the campaign: the answer is unknown, so say so (G5). */
  | { readonly kind: 'ledger-not-ready' };

/** Whether a user holds a coupon: the durable record wins, the ledger covers what is in flight. */
export class GetIssuanceStatus {
  constructor(
    private readonly campaigns: CampaignRepository,
    private readonly ledger: IssuanceLedger,
    private readonly coupons: CouponRepository,
  ) {}

  async execute(campaignId: CampaignId, userId: UserId): Promise<IssuanceStatus> {
    if (!(await this.campaigns.find(campaignId))) return { kind: 'unknown-campaign' };
    const stored = await this.coupons.find(campaignId, userId);
    if (stored) {
      return {
        kind: 'issued',
        sequence: stored.sequence,
        persisted: true,
        issuedAt: stored.issuedAt,
      };
    }
    const sequence = await this.ledger.findGrant(campaignId, userId);
    if (sequence === undefined) {
      // "No grant" is only an answer when the ledger still knows the campaign; after a data loss
      // a winner whose coupon is in flight would wrongly hear NOT_ISSUED.
      const known = (await this.ledger.issuedCount(campaignId)) !== undefined;
      return known ? { kind: 'not-issued' } : { kind: 'ledger-not-ready' };
    }
    return { kind: 'issued', sequence, persisted: false, issuedAt: undefined };
  }
}
