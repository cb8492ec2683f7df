import type { Coupon } from '../../domain/coupon.ts';
import type { CampaignId, UserId } from '../../domain/ids.ts';

export type RevokeOutcome =
  /** The coupon, as revoked. */
  | { readonly kind: 'revoked'; readonly coupon: Coupon }
  | { readonly kind: 'not-a-winner' }
  /** Revoked before: nothing changes (a second revocation never returns a unit twice). */
  | { readonly kind: 'already-revoked'; readonly coupon: Coupon }
  | { readonly kind: 'unknown-campaign' }
  | { readonly kind: 'not-ready' };

/**
 * The operator's writes to the ledger besides the rules (IssuanceLedger.define): revocations and
 * the allowlist. Each is atomic on its own and throws LedgerUnavailableError when the ledger
 * cannot be reached.
 */
export interface LedgerControls {
  /**
   * Revokes the user's coupon, in ONE atomic step with the decisions: marks it revoked, returns
   * its unit to stock when asked (granted exactly once more: the stock check counts consumed
   * units), and appends the revocation to the outbox (the consumer marks the row). Idempotent.
   */
  revoke(
    campaignId: CampaignId,
    userId: UserId,
    options: { readonly returnToStock: boolean; readonly at: Date },
  ): Promise<RevokeOutcome>;

  /** Adds users to the campaign's allowlist as the ledger holds it (idempotent). */
  allow(campaignId: CampaignId, userIds: readonly UserId[]): Promise<void>;

  /** Removes users from it (idempotent). */
  disallow(campaignId: CampaignId, userIds: readonly UserId[]): Promise<void>;
}
