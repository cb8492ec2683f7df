import type {
  LedgerControls,
  RevokeOutcome,
} from '../../application/ports/ledger-controls.port.ts';
import type { Coupon } from '../../domain/coupon.ts';
import type { CampaignId, UserId } from '../../domain/ids.ts';
import type { InMemoryLedgerStore } from './in-memory-ledger-store.ts';

/** Revocations and the allowlist of the in-memory ledger, over the same store. */
export class InMemoryLedgerControls implements LedgerControls {
  constructor(private readonly store: InMemoryLedgerStore) {}

  async revoke(
    campaignId: CampaignId,
    userId: UserId,
    options: { readonly returnToStock: boolean; readonly at: Date },
  ): Promise<RevokeOutcome> {
    const ledger = this.store.campaigns.get(campaignId);
    if (!ledger) return { kind: 'unknown-campaign' };
    if (!ledger.ready) return { kind: 'not-ready' };
    const sequence = ledger.winners.get(userId);
    if (sequence === undefined) return { kind: 'not-a-winner' };
    const coupon = (revoked: Coupon['revoked']): Coupon => ({
      campaignId,
      userId,
      sequence,
      issuedAt: ledger.grantedAt?.get(userId) ?? options.at,
      ...(revoked ? { revoked } : {}),
    });
    const before = ledger.revoked?.get(userId);
    if (before) return { kind: 'already-revoked', coupon: coupon(before) };
    const revocation = { at: options.at, returned: options.returnToStock };
    (ledger.revoked ??= new Map()).set(userId, revocation);
    const revoked = coupon(revocation);
    this.store.append(revoked);
    return { kind: 'revoked', coupon: revoked };
  }

  async allow(campaignId: CampaignId, userIds: readonly UserId[]): Promise<void> {
    const ledger = this.store.campaigns.get(campaignId);
    if (!ledger) return;
    const list = (ledger.allowlist ??= new Set());
    for (const userId of userIds) list.add(userId);
  }

  async disallow(campaignId: CampaignId, userIds: readonly UserId[]): Promise<void> {
    const list = this.store.campaigns.get(campaignId)?.allowlist;
    for (const userId of userIds) list?.delete(userId);
  }
}
