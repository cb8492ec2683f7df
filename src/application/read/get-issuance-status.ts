import { isDraft } from '../../domain/campaign.ts';
import type { Revocation } from '../../domain/coupon.ts';
import type { CampaignId, UserId } from '../../domain/ids.ts';
import type { ReconcileRequests } from '../issue/apply-for-coupon.ts';
import type { CampaignRepository } from '../ports/campaign-repository.port.ts';
import type { IssuanceLedger } from '../ports/issuance-ledger.port.ts';
import type { PersistedRecord } from './persisted-record.ts';

export type IssuanceStatus =
  | {
      readonly kind: 'issued';
      readonly sequence: number;
      /** True once the coupon is in the durable store; false while it is on its way. */
      readonly persisted: boolean;
      readonly issuedAt: Date | undefined;
      /** Set once the coupon was revoked. */
      readonly revoked?: Revocation;
    }
  | { readonly kind: 'not-issued' }
  /** No such campaign, or a draft. */
  | { readonly kind: 'unknown-campaign' }
  /** Not stored yet, and the ledger lost or is not sure of the campaign: unknown, say so (G5). */
  | { readonly kind: 'ledger-not-ready' };

/**
 * Whether a user holds a coupon: the ledger first (it knows every grant and revocation the
 * moment it happens; a settled campaign answers from memory in the Redis adapter), then whether
 * it is durable from the persistence marks (PersistedRecord: no lookup at all once the
 * campaign's every grant is durable). When the ledger is not sure (lost, fenced), the durable
 * record still answers for the coupons it has. No database query per request: the campaign
 * comes from the cached catalog. `persisted` may lag by READ_REFRESH_MS, never lead.
 */
export class GetIssuanceStatus {
  constructor(
    private readonly campaigns: CampaignRepository,
    private readonly ledger: IssuanceLedger,
    private readonly record: PersistedRecord,
    private readonly reconciler: ReconcileRequests,
  ) {}

  async execute(campaignId: CampaignId, userId: UserId): Promise<IssuanceStatus> {
    const campaign = await this.campaigns.find(campaignId);
    if (!campaign || isDraft(campaign)) return { kind: 'unknown-campaign' };
    const grant = await this.ledger.findGrant(campaignId, userId);
    switch (grant.kind) {
      case 'granted': {
        const { persisted, coupon } = await this.record.holds(campaignId, userId, grant.issued);
        return {
          kind: 'issued',
          sequence: grant.sequence,
          persisted,
          issuedAt: grant.issuedAt ?? coupon?.issuedAt,
          ...(grant.revoked ? { revoked: grant.revoked } : {}),
        };
      }
      case 'none':
        return { kind: 'not-issued' };
      case 'unknown-campaign':
      case 'not-ready': {
        // "No grant" is only an answer from a ready ledger; the record's coupons still are.
        this.reconciler.request(campaignId);
        const stored = await this.record.find(campaignId, userId);
        if (!stored) return { kind: 'ledger-not-ready' };
        return {
          kind: 'issued',
          sequence: stored.sequence,
          persisted: true,
          issuedAt: stored.issuedAt,
          ...(stored.revoked ? { revoked: stored.revoked } : {}),
        };
      }
    }
  }
}
