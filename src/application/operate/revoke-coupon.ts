import { isDraft } from '../../domain/campaign.ts';
import type { Coupon } from '../../domain/coupon.ts';
import type { CampaignId, UserId } from '../../domain/ids.ts';
import { auditBy } from './campaign-view.ts';
import type { Actor } from '../ports/audit-trail.port.ts';
import type { CampaignRepository } from '../ports/campaign-repository.port.ts';
import type { Clock } from '../ports/clock.port.ts';
import type { LedgerControls } from '../ports/ledger-controls.port.ts';

export type RevokeCouponOutcome =
  | { readonly kind: 'revoked'; readonly coupon: Coupon }
  | { readonly kind: 'already-revoked'; readonly coupon: Coupon }
  | { readonly kind: 'not-a-winner' }
  | { readonly kind: 'unknown-campaign' }
  /** The ledger is being reconciled: try again in a moment. */
  | { readonly kind: 'ledger-not-ready' };

/**
 * Revokes one user's coupon (fraud, a mistaken grant). The ledger marks it revoked in one atomic
 * step with the decisions, returns its unit to stock when asked (granted exactly once more), and
 * appends the revocation to the outbox, from where the consumer marks the row: the coupon is
 * never deleted, and the user can never win this campaign again. Idempotent: a second revocation
 * changes nothing, but it is still recorded in the audit trail (so a retry after a failed audit
 * write leaves a trace).
 */
export class RevokeCoupon {
  constructor(
    private readonly campaigns: CampaignRepository,
    private readonly controls: LedgerControls,
    private readonly clock: Clock,
  ) {}

  async execute(
    campaignId: CampaignId,
    userId: UserId,
    by: Actor,
    options: { readonly returnToStock: boolean },
  ): Promise<RevokeCouponOutcome> {
    const outcome = await this.campaigns.update<RevokeCouponOutcome>(
      campaignId,
      async (current) => {
        if (isDraft(current)) return { result: { kind: 'unknown-campaign' } };
        const revoked = await this.controls.revoke(campaignId, userId, {
          returnToStock: options.returnToStock,
          at: this.clock.now(),
        });
        switch (revoked.kind) {
          case 'revoked':
          case 'already-revoked': {
            const { coupon } = revoked;
            const after = {
              userId,
              sequence: coupon.sequence,
              revokedAt: coupon.revoked?.at.toISOString(),
              returned: coupon.revoked?.returned,
              ...(revoked.kind === 'already-revoked' ? { alreadyRevoked: true } : {}),
            };
            return {
              result: revoked,
              audit: { ...auditBy(by), action: 'revoke', campaignId, after },
            };
          }
          case 'not-ready':
          case 'unknown-campaign':
            return { result: { kind: 'ledger-not-ready' } };
          case 'not-a-winner':
            return { result: revoked };
        }
      },
    );
    return outcome ?? { kind: 'unknown-campaign' };
  }
}
