import type {
  MarkLookup,
  PersistenceMarks,
} from '../../application/ports/persistence-marks.port.ts';
import type { Coupon } from '../../domain/coupon.ts';
import type { CampaignId, UserId } from '../../domain/ids.ts';
import type { InMemoryLedgerStore } from './in-memory-ledger-store.ts';

/** Persistence marks beside the in-memory ledger (in its store, as Redis holds both). */
export class InMemoryPersistenceMarks implements PersistenceMarks {
  constructor(private readonly store: InMemoryLedgerStore) {}

  async mark(coupons: readonly Coupon[]): Promise<void> {
    for (const coupon of coupons) this.marksOf(coupon.campaignId).set(coupon.userId, coupon);
  }

  async lookup(campaignId: CampaignId, userId: UserId): Promise<MarkLookup> {
    if (!this.complete(campaignId)) return { kind: 'incomplete' };
    const coupon = this.store.persisted.get(campaignId)?.get(userId);
    return coupon ? { kind: 'persisted', coupon } : { kind: 'absent' };
  }

  async count(campaignId: CampaignId): Promise<number | undefined> {
    if (!this.complete(campaignId)) return undefined;
    return this.store.persisted.get(campaignId)?.size ?? 0;
  }

  async beginSeed(): Promise<string> {
    return String(this.store.generation);
  }

  async completeSeed(
    campaignId: CampaignId,
    coupons: readonly Coupon[],
    token: string,
  ): Promise<boolean> {
    await this.mark(coupons);
    if (token !== String(this.store.generation)) return false;
    this.store.seeded.set(campaignId, this.store.generation);
    return true;
  }

  private complete(campaignId: CampaignId): boolean {
    return this.store.seeded.get(campaignId) === this.store.generation;
  }

  private marksOf(campaignId: CampaignId): Map<UserId, Coupon> {
    let marks = this.store.persisted.get(campaignId);
    if (!marks) {
      marks = new Map();
      this.store.persisted.set(campaignId, marks);
    }
    return marks;
  }
}
