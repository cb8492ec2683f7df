import type {
  LedgerRecovery,
  RestoreExtras,
} from '../../application/ports/ledger-recovery.port.ts';
import type { Campaign } from '../../domain/campaign.ts';
import type { Coupon, Revocation } from '../../domain/coupon.ts';
import type { CampaignId, UserId } from '../../domain/ids.ts';
import type { InMemoryLedgerStore } from './in-memory-ledger-store.ts';

/** Recovery of the in-memory ledger, over the same store (as Redis holds both). */
export class InMemoryLedgerRecovery implements LedgerRecovery {
  constructor(private readonly store: InMemoryLedgerStore) {}

  async fence(campaignId: CampaignId): Promise<void> {
    const ledger = this.store.campaigns.get(campaignId);
    if (ledger) ledger.ready = false;
  }

  async winners(campaignId: CampaignId): Promise<ReadonlyMap<UserId, number>> {
    return new Map(this.store.campaigns.get(campaignId)?.winners);
  }

  async revocations(campaignId: CampaignId): Promise<ReadonlyMap<UserId, Revocation>> {
    return new Map(this.store.campaigns.get(campaignId)?.revoked);
  }

  async restore(
    campaign: Campaign,
    coupons: readonly Coupon[],
    extras: RestoreExtras = {},
  ): Promise<void> {
    const winners = new Map(coupons.map((coupon) => [coupon.userId, coupon.sequence] as const));
    // Count = highest sequence, not the number of winners: if the durable record has a hole
    // (a grant whose event was lost with the ledger), the next grant must not reuse a sequence
    // and the cap must still count the lost grant. Never below the ledger's own count either.
    const held = this.store.campaigns.get(campaign.id);
    const count = coupons.reduce((max, coupon) => Math.max(max, coupon.sequence), held?.count ?? 0);
    // The instants survive a restore, and the record's are added, as the Redis ledger does.
    const grantedAt = new Map(held?.grantedAt);
    for (const coupon of coupons)
      if (!grantedAt.has(coupon.userId)) grantedAt.set(coupon.userId, coupon.issuedAt);
    const revoked = new Map(extras.revocations);
    const allowlist = extras.allowlist ? new Set(extras.allowlist) : held?.allowlist;
    this.store.campaigns.set(campaign.id, {
      campaign,
      winners,
      grantedAt,
      count,
      ready: true,
      revoked,
      ...(allowlist ? { allowlist } : {}),
    });
  }

  async claim(campaignId: CampaignId, ttlMs: number): Promise<boolean> {
    const now = Date.now();
    if ((this.store.claims.get(campaignId) ?? 0) > now) return false;
    this.store.claims.set(campaignId, now + ttlMs);
    return true;
  }

  async release(campaignId: CampaignId): Promise<void> {
    this.store.claims.delete(campaignId);
  }

  async issuedCounts(campaignIds: readonly CampaignId[]): Promise<ReadonlyMap<CampaignId, number>> {
    return new Map(
      campaignIds.flatMap((id) => {
        const count = this.store.campaigns.get(id)?.count;
        return count === undefined ? [] : [[id, count] as const];
      }),
    );
  }
}
