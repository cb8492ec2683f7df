import type { Campaign } from '../../domain/campaign.ts';
import type { Coupon } from '../../domain/coupon.ts';
import type { CampaignId, UserId } from '../../domain/ids.ts';
import { decide } from '../../domain/issuance-policy.ts';
import type {
  GrantLookup,
  IssuanceLedger,
  LedgerLayout,
  Reservation,
} from '../ports/issuance-ledger.port.ts';
import {
  sameVersion,
  type LedgerVersion,
  type LedgerVersions,
} from '../ports/ledger-versions.port.ts';

export interface SettledCampaignOptions {
  /** A settled copy is re-validated (one cheap version read) at most this often; the staleness bound. */
  readonly revalidateMs: number;
  /** Largest winner set copied into memory; a bigger campaign is answered by the ledger as today. */
  readonly maxWinners: number;
  /** Settled campaigns held at once (least recently used first out). */
  readonly maxCampaigns?: number;
  readonly now?: () => number;
}

/** A campaign that can grant nothing more: its winners and rules, as the ledger held them. */
interface Settled {
  readonly campaign: Campaign;
  readonly winners: ReadonlyMap<UserId, number>;
  /** Winners' lookups already read from the ledger: a settled grant does not change. */
  readonly lookups: Map<UserId, GrantLookup>;
  readonly version: LedgerVersion;
  checkedAt: number;
  revalidating: Promise<void> | undefined;
}

/**
 * Answers sold-out and closed campaigns from process memory, where that is exact.
 *
 * Once the ledger says sold out (or closed by its window), no grant can happen any more unless
 * the campaign's state changes (new stock, a new window, a rollback or a restore): the answer to
 * every application is then `decide` over a frozen winner set. So the first such answer loads
 * the winners ONCE (single-flight), between two equal LedgerVersions (nothing moved while
 * reading), and from then on reserve/findGrant/issuedCount need no round trip: a winner still
 * hears already-issued, everyone else sold-out (or closed). Exactness across processes: every
 * `revalidateMs` one version read (in the background; requests keep being answered) checks that
 * nothing changed; a change anywhere (another process's admin action, a reconcile, a rebuild, a
 * failover) drops the copy and the ledger decides again. Changes made through THIS decorator
 * (define, restore, fence) drop it at once. Staleness is therefore bounded by `revalidateMs`
 * plus one round trip, and only matters for a change that re-opens a settled campaign.
 */
export class SettledCampaignLedger implements IssuanceLedger {
  readonly #settled = new Map<CampaignId, Settled>();
  readonly #loading = new Map<CampaignId, Promise<void>>();
  /** Campaigns a load found unfit for a copy (sharded, too many winners): not tried again before. */
  readonly #unfitUntil = new Map<CampaignId, number>();
  /** Bumped by every change made through this decorator: a load that saw an older one is void. */
  readonly #changes = new Map<CampaignId, number>();
  readonly #now: () => number;

  constructor(
    private readonly inner: IssuanceLedger,
    private readonly versions: LedgerVersions,
    private readonly options: SettledCampaignOptions,
  ) {
    this.#now = options.now ?? Date.now;
  }

  async reserve(campaignId: CampaignId, userId: UserId, now: Date): Promise<Reservation> {
    const settled = this.fresh(campaignId);
    if (settled) {
      const decision = decide(
        settled.campaign,
        { alreadyIssued: settled.winners.has(userId), issuedCount: settled.version.count },
        now,
      );
      // Never a grant from memory: the copy is only used while nothing can be granted.
      if (decision.kind !== 'issued') return decision;
      this.#settled.delete(campaignId);
    }
    const reservation = await this.inner.reserve(campaignId, userId, now);
    if (reservation.kind === 'sold-out' || reservation.kind === 'closed') this.settle(campaignId);
    return reservation;
  }

  async findGrant(campaignId: CampaignId, userId: UserId): Promise<GrantLookup> {
    const settled = this.fresh(campaignId);
    // A loser's lookup is answered here, and a winner's from the instants loaded with the
    // copy; a winner without a recorded instant is looked up once (then kept with the copy).
    if (!settled) return this.inner.findGrant(campaignId, userId);
    if (!settled.winners.has(userId)) return { kind: 'none' };
    const known = settled.lookups.get(userId);
    if (known) return known;
    const lookup = await this.inner.findGrant(campaignId, userId);
    if (lookup.kind === 'granted' && this.#settled.get(campaignId) === settled) {
      settled.lookups.set(userId, lookup);
    }
    return lookup;
  }

  async issuedCount(campaignId: CampaignId): Promise<number | undefined> {
    const settled = this.fresh(campaignId);
    return settled ? settled.version.count : this.inner.issuedCount(campaignId);
  }

  async define(campaign: Campaign): Promise<void> {
    this.changing(campaign.id);
    try {
      await this.inner.define(campaign);
    } finally {
      this.changing(campaign.id);
    }
  }

  async restore(campaign: Campaign, coupons: readonly Coupon[]): Promise<void> {
    this.changing(campaign.id);
    try {
      await this.inner.restore(campaign, coupons);
    } finally {
      this.changing(campaign.id);
    }
  }

  async fence(campaignId: CampaignId): Promise<void> {
    this.changing(campaignId);
    try {
      await this.inner.fence(campaignId);
    } finally {
      this.changing(campaignId);
    }
  }

  winners(campaignId: CampaignId): Promise<ReadonlyMap<UserId, number>> {
    return this.inner.winners(campaignId);
  }

  layout(campaignId: CampaignId): Promise<LedgerLayout> {
    return this.inner.layout(campaignId);
  }

  claimReconcile(campaignId: CampaignId, ttlMs: number): Promise<boolean> {
    return this.inner.claimReconcile(campaignId, ttlMs);
  }

  releaseReconcile(campaignId: CampaignId): Promise<void> {
    return this.inner.releaseReconcile(campaignId);
  }

  private changing(campaignId: CampaignId): void {
    this.#settled.delete(campaignId);
    this.#changes.set(campaignId, (this.#changes.get(campaignId) ?? 0) + 1);
    if (this.#changes.size > 10_000) this.#changes.clear(); // bounded; a cleared entry reads 0
  }

  /** How many campaigns are answered from memory right now (for tests and metrics). */
  get settledCampaigns(): number {
    return this.#settled.size;
  }

  /** The settled copy when it may be used; starts a background revalidation when it is due. */
  private fresh(campaignId: CampaignId): Settled | undefined {
    const settled = this.#settled.get(campaignId);
    if (!settled) return undefined;
    const age = this.#now() - settled.checkedAt;
    if (age > 2 * this.options.revalidateMs) {
      // Revalidation is overdue (the ledger is slow or unreachable): stop trusting the copy.
      this.#settled.delete(campaignId);
      return undefined;
    }
    if (age > this.options.revalidateMs && !settled.revalidating) {
      settled.revalidating = this.revalidate(campaignId, settled);
    }
    return settled;
  }

  private async revalidate(campaignId: CampaignId, settled: Settled): Promise<void> {
    try {
      const version = await this.versions.version(campaignId);
      if (this.#settled.get(campaignId) !== settled) return;
      if (version && sameVersion(version, settled.version)) settled.checkedAt = this.#now();
      else this.#settled.delete(campaignId);
    } catch {
      if (this.#settled.get(campaignId) === settled) this.#settled.delete(campaignId);
    } finally {
      settled.revalidating = undefined;
    }
  }

  /** Loads the campaign's settled copy in the background, once (single-flight). */
  private settle(campaignId: CampaignId): void {
    if (this.#settled.has(campaignId) || this.#loading.has(campaignId)) return;
    if ((this.#unfitUntil.get(campaignId) ?? 0) > this.#now()) return;
    const loading = this.load(campaignId)
      .catch(() => undefined) // the ledger keeps deciding; the next refusal tries again
      .finally(() => this.#loading.delete(campaignId));
    this.#loading.set(campaignId, loading);
  }

  private async load(campaignId: CampaignId): Promise<void> {
    const changes = this.#changes.get(campaignId) ?? 0;
    const before = await this.versions.version(campaignId);
    if (!before?.ready || before.winners > this.options.maxWinners) {
      // Every refusal of such a campaign would otherwise pay one more version read.
      if (this.#unfitUntil.size > 10_000) this.#unfitUntil.clear();
      this.#unfitUntil.set(campaignId, this.#now() + this.options.revalidateMs);
      return;
    }
    const startedAt = this.#now();
    const [winners, instants] = await Promise.all([
      this.inner.winners(campaignId),
      this.versions.instants(campaignId),
    ]);
    const after = await this.versions.version(campaignId);
    if (!after || !sameVersion(before, after) || winners.size !== after.winners) return;
    const campaign = campaignOf(campaignId, after);
    // Only a campaign that can grant nothing more, to anyone, from now on: sold out, or closed.
    const closed = campaign.endsAt !== undefined && this.#now() >= campaign.endsAt.getTime();
    if (after.count < after.totalQuantity && !closed) return;
    if ((this.#changes.get(campaignId) ?? 0) !== changes) return;
    this.#settled.set(campaignId, {
      campaign,
      winners,
      lookups: lookupsOf(winners, instants),
      version: after,
      checkedAt: startedAt,
      revalidating: undefined,
    });
    while (this.#settled.size > (this.options.maxCampaigns ?? 64)) {
      const oldest = this.#settled.keys().next();
      if (oldest.done) break;
      this.#settled.delete(oldest.value);
    }
  }
}

/** Every winner's lookup the copy can answer by itself: those with a recorded instant. */
function lookupsOf(
  winners: ReadonlyMap<UserId, number>,
  instants: ReadonlyMap<UserId, number>,
): Map<UserId, GrantLookup> {
  const lookups = new Map<UserId, GrantLookup>();
  for (const [user, sequence] of winners) {
    const at = instants.get(user);
    if (at !== undefined) lookups.set(user, { kind: 'granted', sequence, issuedAt: new Date(at) });
  }
  return lookups;
}

/** The rules `decide` needs, as the ledger holds them (the name plays no part in a decision). */
function campaignOf(id: CampaignId, version: LedgerVersion): Campaign {
  return {
    id,
    name: id,
    totalQuantity: version.totalQuantity,
    perUserLimit: 1,
    ...(version.startsAt !== undefined ? { startsAt: new Date(version.startsAt) } : {}),
    ...(version.endsAt !== undefined ? { endsAt: new Date(version.endsAt) } : {}),
  };
}
