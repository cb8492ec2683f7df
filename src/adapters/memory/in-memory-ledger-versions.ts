import type {
  LedgerVersion,
  LedgerVersions,
} from '../../application/ports/ledger-versions.port.ts';
import type { CampaignId, UserId } from '../../domain/ids.ts';
import type { InMemoryLedgerStore } from './in-memory-ledger-store.ts';

/** LedgerVersion of the in-memory ledger: its rules, readiness, count and winners. */
export class InMemoryLedgerVersions implements LedgerVersions {
  constructor(private readonly store: InMemoryLedgerStore) {}

  async version(campaignId: CampaignId): Promise<LedgerVersion | undefined> {
    const ledger = this.store.campaigns.get(campaignId);
    if (!ledger) return undefined;
    return {
      ready: ledger.ready,
      run: String(this.store.generation),
      totalQuantity: ledger.campaign.totalQuantity,
      startsAt: ledger.campaign.startsAt?.getTime(),
      endsAt: ledger.campaign.endsAt?.getTime(),
      count: ledger.count,
      winners: ledger.winners.size,
    };
  }

  async instants(campaignId: CampaignId): Promise<ReadonlyMap<UserId, number>> {
    const grantedAt = this.store.campaigns.get(campaignId)?.grantedAt ?? new Map<UserId, Date>();
    return new Map([...grantedAt].map(([user, at]) => [user, at.getTime()]));
  }
}
