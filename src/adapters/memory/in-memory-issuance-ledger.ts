import type {
  GrantLookup,
  IssuanceLedger,
  LedgerLayout,
  Reservation,
} from '../../application/ports/issuance-ledger.port.ts';
import type { Campaign } from '../../domain/campaign.ts';
import type { Coupon } from '../../domain/coupon.ts';
import type { CampaignId, UserId } from '../../domain/ids.ts';
import { decide } from '../../domain/issuance-policy.ts';
import type { InMemoryLedgerStore } from './in-memory-ledger-store.ts';

/** The ledger in process memory: the domain policy itself, applied without interleaving. */
export class InMemoryIssuanceLedger implements IssuanceLedger {
  constructor(private readonly store: InMemoryLedgerStore) {}

  async define(campaign: Campaign): Promise<void> {
    const existing = this.store.campaigns.get(campaign.id);
    if (existing) existing.campaign = campaign;
    else
      this.store.campaigns.set(campaign.id, {
        campaign,
        winners: new Map(),
        count: 0,
        ready: true,
      });
  }

  async reserve(campaignId: CampaignId, userId: UserId, now: Date): Promise<Reservation> {
    // No await below this line: read, decide and write happen as one step.
    const ledger = this.store.campaigns.get(campaignId);
    if (!ledger) return { kind: 'unknown-campaign' };
    if (!ledger.ready) return { kind: 'not-ready' };
    const decision = decide(
      ledger.campaign,
      { alreadyIssued: ledger.winners.has(userId), issuedCount: ledger.count },
      now,
    );
    if (decision.kind !== 'issued') return decision;
    const coupon: Coupon = { campaignId, userId, sequence: decision.sequence, issuedAt: now };
    ledger.winners.set(userId, decision.sequence);
    (ledger.grantedAt ??= new Map()).set(userId, now);
    ledger.count = decision.sequence;
    this.store.append(coupon);
    return { kind: 'issued', coupon };
  }

  async findGrant(campaignId: CampaignId, userId: UserId): Promise<GrantLookup> {
    const ledger = this.store.campaigns.get(campaignId);
    if (!ledger) return { kind: 'unknown-campaign' };
    if (!ledger.ready) return { kind: 'not-ready' };
    const sequence = ledger.winners.get(userId);
    if (sequence === undefined) return { kind: 'none' };
    const issuedAt = ledger.grantedAt?.get(userId);
    return issuedAt ? { kind: 'granted', sequence, issuedAt } : { kind: 'granted', sequence };
  }

  async issuedCount(campaignId: CampaignId): Promise<number | undefined> {
    return this.store.campaigns.get(campaignId)?.count;
  }

  async restore(campaign: Campaign, coupons: readonly Coupon[]): Promise<void> {
    const winners = new Map(coupons.map((coupon) => [coupon.userId, coupon.sequence] as const));
    // Count = highest sequence, not the number of winners: if the durable record has a hole
    // (a grant whose event was lost with the ledger), the next grant must not reuse a sequence
    // and the cap must still count the lost grant.
    // Never below the ledger's own count either.
    const own = this.store.campaigns.get(campaign.id)?.count ?? 0;
    const count = coupons.reduce((max, coupon) => Math.max(max, coupon.sequence), own);
    // The instants survive a restore, as the Redis ledger's issued-at hash does.
    const grantedAt = new Map(this.store.campaigns.get(campaign.id)?.grantedAt);
    this.store.campaigns.set(campaign.id, { campaign, winners, grantedAt, count, ready: true });
  }

  async winners(campaignId: CampaignId): Promise<ReadonlyMap<UserId, number>> {
    return new Map(this.store.campaigns.get(campaignId)?.winners);
  }

  async fence(campaignId: CampaignId): Promise<void> {
    const ledger = this.store.campaigns.get(campaignId);
    if (ledger) ledger.ready = false;
  }

  async layout(campaignId: CampaignId): Promise<LedgerLayout> {
    return this.store.campaigns.has(campaignId) ? 'own' : 'none';
  }

  async claimReconcile(campaignId: CampaignId, ttlMs: number): Promise<boolean> {
    const now = Date.now();
    if ((this.store.claims.get(campaignId) ?? 0) > now) return false;
    this.store.claims.set(campaignId, now + ttlMs);
    return true;
  }

  async releaseReconcile(campaignId: CampaignId): Promise<void> {
    this.store.claims.delete(campaignId);
  }
}
