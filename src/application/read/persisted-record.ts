import type { Coupon } from '../../domain/coupon.ts';
import type { CampaignId, UserId } from '../../domain/ids.ts';
import type { CouponRepository } from '../ports/coupon-repository.port.ts';
import type { PersistenceMarks } from '../ports/persistence-marks.port.ts';
import { campaignCoupons } from '../campaign-coupons.ts';
import { SingleFlightCache } from './single-flight.ts';

/**
 * "Is it durable?" for the public reads, from the persistence marks, with the durable record
 * only as the fallback: when a campaign's marks are incomplete (first read after a restart, a
 * flush or a failover of the marks' store) ONE seed per campaign per `refreshMs` reads the
 * record and completes them; concurrent readers wait for that one seed. Only when seeding fails
 * (the database is down) does a read fall back to the record directly, counts cached for
 * `refreshMs`.
 *
 * Counts are reused for `refreshMs` (a count of durable coupons only grows, so a reused one is
 * at most `refreshMs` behind, never ahead). A campaign whose count reached its grants is durable
 * whole: `holds` then answers without a lookup per user, which is what makes the reads of a
 * finished drop free.
 */
export class PersistedRecord {
  readonly #seeds: SingleFlightCache<CampaignId, boolean>;
  readonly #counts: SingleFlightCache<CampaignId, number>;
  /** The marks' own counts, reused for `refreshMs`. */
  readonly #marked: SingleFlightCache<CampaignId, number | undefined>;
  /** Keyed by the ids asked for (the list asks for the same ones each time). */
  readonly #all: SingleFlightCache<string, ReadonlyMap<CampaignId, number>>;

  constructor(
    private readonly marks: PersistenceMarks,
    private readonly coupons: CouponRepository,
    refreshMs: number,
  ) {
    const options = { ttlMs: () => refreshMs, failureTtlMs: refreshMs, maxEntries: 10_000 };
    // A successful seed is not repeated while the marks stay complete; lookups decide that.
    this.#seeds = new SingleFlightCache(options);
    this.#counts = new SingleFlightCache(options);
    this.#marked = new SingleFlightCache(options);
    this.#all = new SingleFlightCache({ ...options, maxEntries: 1 });
  }

  /** The user's durable coupon, or undefined when the record has none. */
  async find(campaignId: CampaignId, userId: UserId): Promise<Coupon | undefined> {
    let mark = await this.marks.lookup(campaignId, userId);
    if (mark.kind === 'incomplete' && (await this.seeded(campaignId))) {
      mark = await this.marks.lookup(campaignId, userId);
    }
    if (mark.kind === 'persisted') return mark.coupon;
    if (mark.kind === 'absent') return undefined;
    return this.coupons.find(campaignId, userId);
  }

  /**
   * Whether the user's coupon is durable, given `issued`, the campaign's grants counted in the
   * same read that found the coupon: when the durable count (at most `refreshMs` old) reached
   * it, every grant is durable, this one included (marks only ever count granted coupons, and
   * only grow: count(then) ≥ issued(now) ≥ grants(then) ≥ count(then) leaves nothing out).
   * Otherwise, or without `issued`, the user's own mark says. The stored coupon, when read.
   */
  async holds(
    campaignId: CampaignId,
    userId: UserId,
    issued: number | undefined,
  ): Promise<{ persisted: boolean; coupon?: Coupon }> {
    if (issued !== undefined && issued > 0 && (await this.count(campaignId)) >= issued) {
      return { persisted: true };
    }
    const coupon = await this.find(campaignId, userId);
    return coupon ? { persisted: true, coupon } : { persisted: false };
  }

  /** Durable coupons of the campaign (at most `refreshMs` old). */
  async count(campaignId: CampaignId): Promise<number> {
    let count = await this.#marked.get(campaignId, () => this.marks.count(campaignId));
    if (count === undefined && (await this.seeded(campaignId))) {
      this.#marked.delete(campaignId);
      count = await this.#marked.get(campaignId, () => this.marks.count(campaignId));
    }
    if (count !== undefined) return count;
    return this.#counts.get(campaignId, () => this.coupons.countByCampaign(campaignId));
  }

  /**
   * Durable coupons of many campaigns (the campaign list): marks where complete, and for the
   * rest ONE grouped count of the record per `refreshMs`, shared by every caller, instead of a
   * seed or a count per campaign. A catalog of hundreds of old campaigns costs one query.
   */
  async counts(campaignIds: readonly CampaignId[]): Promise<number[]> {
    const marked = await Promise.all(
      campaignIds.map((id) => this.#marked.get(id, () => this.marks.count(id))),
    );
    if (marked.every((count) => count !== undefined)) return marked;
    const unmarked = campaignIds.filter((_, i) => marked[i] === undefined);
    const key = unmarked.join(',');
    const all = await this.#all.get(key, () => this.coupons.countByCampaigns(unmarked));
    return marked.map((count, i) => count ?? all.get(campaignIds[i]!) ?? 0);
  }

  private async seeded(campaignId: CampaignId): Promise<boolean> {
    try {
      return await this.#seeds.get(campaignId, () => this.seed(campaignId));
    } catch {
      return false; // the record is unreachable: the caller falls back (and reports the outage)
    }
  }

  private async seed(campaignId: CampaignId): Promise<boolean> {
    const token = await this.marks.beginSeed(campaignId);
    const all = await campaignCoupons(this.coupons, campaignId);
    return this.marks.completeSeed(campaignId, all, token);
  }
}
