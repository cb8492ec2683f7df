import type { AuditEntry, AuditTrail } from '../../application/ports/audit-trail.port.ts';
import type {
  CampaignChange,
  CampaignRepository,
} from '../../application/ports/campaign-repository.port.ts';
import { canonicalCampaign, type Campaign } from '../../domain/campaign.ts';
import type { CampaignId } from '../../domain/ids.ts';

/** The audit trail in memory: what InMemoryCampaignRepository appends with each change. */
export class InMemoryAuditTrail implements AuditTrail {
  readonly #entries: AuditEntry[] = [];

  constructor(private readonly now: () => Date = () => new Date()) {}

  append(entry: Omit<AuditEntry, 'id' | 'at'>): void {
    this.#entries.push({ ...entry, id: String(this.#entries.length + 1), at: this.now() });
  }

  async list(filter: Parameters<AuditTrail['list']>[0]): Promise<AuditEntry[]> {
    const before = filter.before === undefined ? Infinity : Number(filter.before);
    return this.#entries
      .filter((entry) => filter.campaignId === undefined || entry.campaignId === filter.campaignId)
      .filter((entry) => Number(entry.id) < before)
      .reverse()
      .slice(0, filter.limit);
  }
}

/**
 * Campaigns in memory. A change holds the campaign the way a row lock does: changes of one
 * campaign run one after the other (a promise chain per campaign), and write the campaign and its
 * audit entry together.
 */
export class InMemoryCampaignRepository implements CampaignRepository {
  readonly #campaigns = new Map<CampaignId, Campaign>();
  readonly #locks = new Map<CampaignId, Promise<unknown>>();

  constructor(readonly audit: InMemoryAuditTrail = new InMemoryAuditTrail()) {}

  async create(campaign: Campaign, audit?: Omit<AuditEntry, 'id' | 'at'>): Promise<boolean> {
    if (this.#campaigns.has(campaign.id)) return false;
    this.#campaigns.set(campaign.id, canonicalCampaign(campaign));
    if (audit) this.audit.append(audit);
    return true;
  }

  async find(id: CampaignId): Promise<Campaign | undefined> {
    return this.#campaigns.get(id);
  }

  async list(): Promise<Campaign[]> {
    return [...this.#campaigns.values()].sort((a, b) => a.id.localeCompare(b.id));
  }

  update<T>(
    id: CampaignId,
    change: (current: Campaign) => Promise<CampaignChange<T>>,
  ): Promise<T | undefined> {
    const previous = this.#locks.get(id) ?? Promise.resolve();
    const run = previous.then(async () => {
      const current = this.#campaigns.get(id);
      if (!current) return undefined;
      const { result, campaign, audit } = await change(current);
      if (campaign) this.#campaigns.set(id, canonicalCampaign(campaign));
      if (audit) this.audit.append(audit);
      return result;
    });
    const settled = run.catch(() => undefined);
    this.#locks.set(id, settled);
    void settled.then(() => {
      if (this.#locks.get(id) === settled) this.#locks.delete(id);
    });
    return run;
  }
}
