import type {
  LedgerAudit,
  LedgerAuditSnapshot,
  LedgerChanges,
  LedgerGrant,
} from '../../application/ports/ledger-audit.port.ts';
import type { CampaignId } from '../../domain/ids.ts';
import { countInRanges } from '../../domain/sequence-ranges.ts';
import {
  returnedOf,
  type CampaignLedger,
  type InMemoryLedgerStore,
} from './in-memory-ledger-store.ts';

/**
 * The in-memory ledger's side of the persistence audit. It scans the winners (memory is small);
 * the Redis adapter counts ranges without reading them. Leases and audited marks live here:
 * an in-memory ledger serves one process.
 */
export class InMemoryLedgerAudit implements LedgerAudit {
  readonly #audited = new Map<CampaignId, number>();
  readonly #leases = new Map<CampaignId, { holder: string; until: number }>();
  /** Each campaign's state as the last `changes` saw it (memory is small: a scan is cheap). */
  readonly #seen = new Map<CampaignId, { ledger: CampaignLedger; state: string }>();

  constructor(
    private readonly store: InMemoryLedgerStore,
    private readonly now: () => number = Date.now,
  ) {}

  async snapshot(campaignId: CampaignId): Promise<LedgerAuditSnapshot> {
    const ledger = this.store.campaigns.get(campaignId);
    if (!ledger) return { kind: 'unavailable', reason: 'unknown' };
    let outboxDepth = 0;
    for (const entry of this.store.outbox.values())
      if (entry.coupon.campaignId === campaignId) outboxDepth += 1;
    return {
      kind: 'ready',
      grants: ledger.winners.size,
      highest: ledger.count,
      auditedGrants: this.#audited.get(campaignId),
      outboxDepth,
      returned: returnedOf(ledger),
    };
  }

  /**
   * The store's generation is its run; a campaign is touched when its grants, revocations or
   * readiness differ from the last call's, or its ledger was replaced (a restore).
   */
  async changes(): Promise<LedgerChanges> {
    const touched = new Set<CampaignId>();
    for (const [campaignId, ledger] of this.store.campaigns) {
      const state = `${ledger.count}:${ledger.winners.size}:${ledger.revoked?.size ?? 0}:${ledger.ready}`;
      const seen = this.#seen.get(campaignId);
      if (seen?.ledger !== ledger || seen.state !== state) touched.add(campaignId);
      this.#seen.set(campaignId, { ledger, state });
    }
    return { run: String(this.store.generation), touched };
  }

  async countByRange(
    campaignId: CampaignId,
    from: number,
    to: number,
    size: number,
  ): Promise<number[]> {
    const winners = this.store.campaigns.get(campaignId)?.winners.values() ?? [];
    return countInRanges(winners, from, to, size);
  }

  async grantsIn(campaignId: CampaignId, from: number, to: number): Promise<LedgerGrant[]> {
    const ledger = this.store.campaigns.get(campaignId);
    if (!ledger) return [];
    const grants: LedgerGrant[] = [];
    for (const [userId, sequence] of ledger.winners) {
      if (sequence < from || sequence > to) continue;
      grants.push({ sequence, userId, issuedAt: ledger.grantedAt?.get(userId) ?? new Date(0) });
    }
    return grants.sort((a, b) => a.sequence - b.sequence);
  }

  async reemit(campaignId: CampaignId, sequences: readonly number[]): Promise<number> {
    const ledger = this.store.campaigns.get(campaignId);
    if (!ledger) return 0;
    const wanted = new Set(sequences);
    let appended = 0;
    for (const [userId, sequence] of ledger.winners) {
      if (!wanted.has(sequence)) continue;
      const revoked = ledger.revoked?.get(userId);
      this.store.append({
        campaignId,
        userId,
        sequence,
        issuedAt: ledger.grantedAt?.get(userId) ?? new Date(0),
        ...(revoked ? { revoked } : {}),
      });
      appended += 1;
    }
    return appended;
  }

  async claim(campaignId: CampaignId, holder: string, ttlMs: number): Promise<boolean> {
    const lease = this.#leases.get(campaignId);
    const now = this.now();
    if (lease && lease.until > now && lease.holder !== holder) return false;
    this.#leases.set(campaignId, { holder, until: now + ttlMs });
    return true;
  }

  async markAudited(campaignId: CampaignId, grants: number): Promise<void> {
    this.#audited.set(campaignId, grants);
  }
}
