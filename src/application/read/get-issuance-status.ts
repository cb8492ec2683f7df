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
    }
  | { readonly kind: 'not-issued' }
  | { readonly kind: 'unknown-campaign' }
  /** Not stored yet, and the ledger lost or is not sure of the campaign: unknown, say so (G5). */
  | { readonly kind: 'ledger-not-ready' };

/**
 * Whether a user holds a coupon: the durable record wins, the ledger covers what is in flight.
 * No database query per request: the campaign comes from the cached catalog, "durable?" from the
 * persistence marks (PersistedRecord), the grant from the ledger.
 */
export class GetIssuanceStatus {
  constructor(
    private readonly campaigns: CampaignRepository,
    private readonly ledger: IssuanceLedger,
    private readonly record: PersistedRecord,
    private readonly reconciler: ReconcileRequests,
  ) {}

  async execute(campaignId: CampaignId, userId: UserId): Promise<IssuanceStatus> {
    if (!(await this.campaigns.find(campaignId))) return { kind: 'unknown-campaign' };
    const stored = await this.record.find(campaignId, userId);
    if (stored) {
      return {
        kind: 'issued',
        sequence: stored.sequence,
        persisted: true,
        issuedAt: stored.issuedAt,
      };
    }
    // "No grant" is only an answer from a ready ledger; after a data loss or a rollback a winner
    // whose coupon is in flight would wrongly hear NOT_ISSUED.
    const grant = await this.ledger.findGrant(campaignId, userId);
    switch (grant.kind) {
      case 'granted':
        return {
          kind: 'issued',
          sequence: grant.sequence,
          persisted: false,
          issuedAt: grant.issuedAt,
        };
      case 'none':
        return { kind: 'not-issued' };
      case 'unknown-campaign':
      case 'not-ready':
        this.reconciler.request(campaignId);
        return { kind: 'ledger-not-ready' };
    }
  }
}
