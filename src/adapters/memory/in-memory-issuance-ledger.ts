import type {
  GrantLookup,
  IssuanceLedger,
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
}
