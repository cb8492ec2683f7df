import type { Campaign } from '../../domain/campaign.ts';
import type { CampaignId } from '../../domain/ids.ts';
import type { CampaignChange, CampaignRepository } from '../ports/campaign-repository.port.ts';
import { SingleFlightCache } from './single-flight.ts';

export interface CampaignCacheOptions {
  /** How long a definition (or the list) is reused; another process's create shows after it. */
  readonly ttlMs: number;
  /** How many ids are remembered, known or not (the negative side is what random ids fill). */
  readonly maxEntries?: number;
  /** Up to this many campaigns, the whole catalog is the cache (see below). */
  readonly maxCatalog?: number;
}

/** One reading of the durable catalog; `byId` only while it is small enough to hold. */
interface Catalog {
  readonly campaigns: readonly Campaign[];
  readonly byId: ReadonlyMap<CampaignId, Campaign> | undefined;
}

/**
 * The catalog in process memory, in front of the durable one: a definition changes only through
 * an admin operation, so reusing it for `ttlMs` is exact in this process (its own create drops
 * the entries) and at most `ttlMs` stale for a create made by another process.
 *
 * While the catalog holds at most `maxCatalog` (10,000) campaigns, one SELECT of the whole list
 * per `ttlMs` answers every lookup, known id or not: a flood of random ids costs no query at
 * all. It is the same list `GET /campaigns` reads anyway, so holding it costs nothing more; at
 * 1,000 a catalog of old campaigns (1,047 in this project's CI database) already fell back to
 * one query per unknown id per second. A larger catalog falls back to a per-id cache, negative
 * entries included, in a bounded LRU with single-flight: at most one SELECT per distinct id per
 * `ttlMs`, and never more than `maxEntries` of memory. Failures are not cached beyond a short pause.
 */
export class CachedCampaignRepository implements CampaignRepository {
  readonly #byId: SingleFlightCache<CampaignId, Campaign | undefined>;
  readonly #catalog: SingleFlightCache<'all', Catalog>;
  readonly #maxCatalog: number;

  constructor(
    private readonly inner: CampaignRepository,
    options: CampaignCacheOptions,
  ) {
    const common = { ttlMs: () => options.ttlMs, failureTtlMs: Math.min(options.ttlMs, 250) };
    this.#byId = new SingleFlightCache({ ...common, maxEntries: options.maxEntries ?? 10_000 });
    this.#catalog = new SingleFlightCache({ ...common, maxEntries: 1 });
    this.#maxCatalog = options.maxCatalog ?? 10_000;
  }

  async create(
    campaign: Campaign,
    audit?: Parameters<CampaignRepository['create']>[1],
  ): Promise<boolean> {
    try {
      return await this.inner.create(campaign, audit);
    } finally {
      this.forget(campaign.id);
    }
  }

  /** A change made through this process is visible to it at once; elsewhere within ttlMs. */
  async update<T>(
    id: CampaignId,
    change: (current: Campaign) => Promise<CampaignChange<T>>,
  ): Promise<T | undefined> {
    try {
      return await this.inner.update(id, change);
    } finally {
      this.forget(id);
    }
  }

  private forget(id: CampaignId): void {
    this.#byId.delete(id);
    this.#catalog.clear();
  }

  async find(id: CampaignId): Promise<Campaign | undefined> {
    const { byId } = await this.catalog();
    if (byId) return byId.get(id);
    return this.#byId.get(id, () => this.inner.find(id));
  }

  async list(): Promise<Campaign[]> {
    return [...(await this.catalog()).campaigns];
  }

  private catalog(): Promise<Catalog> {
    return this.#catalog.get('all', async () => {
      const campaigns = await this.inner.list();
      const small = campaigns.length <= this.#maxCatalog;
      return { campaigns, byId: small ? new Map(campaigns.map((c) => [c.id, c])) : undefined };
    });
  }
}
