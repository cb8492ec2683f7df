import type { CampaignId } from '../../../domain/ids.ts';
import type { LedgerLayouts } from '../ledger-layouts.ts';
import type { ShardLayout } from './sharded-layout.ts';

/** Campaign layouts remembered per process; ids come from callers, so the map is bounded. */
const MAX_REMEMBERED = 10_000;

/**
 * Each campaign's layout as this process last saw it, so an application costs one script, not a
 * read of the stored sub-ledger count first. A remembered layout may be stale (the campaign was
 * rebuilt with another number of sub-ledgers): the sub-ledgers say so (stale layout, unknown
 * campaign), and the caller then forgets or corrects it.
 */
export class LayoutCache {
  readonly #layouts = new Map<CampaignId, ShardLayout>();

  constructor(private readonly stored: LedgerLayouts) {}

  /** The remembered layout, if any. */
  known(campaignId: CampaignId): ShardLayout | undefined {
    return this.#layouts.get(campaignId);
  }

  /** The remembered layout, else the stored one; undefined when the campaign is unknown (or lost). */
  async find(campaignId: CampaignId): Promise<ShardLayout | undefined> {
    return this.#layouts.get(campaignId) ?? (await this.storedLayout(campaignId));
  }

  /** The campaign's layout as stored (not remembered by this call). */
  storedLayout(campaignId: CampaignId): Promise<ShardLayout | undefined> {
    return this.stored.storedShards(campaignId);
  }

  /** Remembers `layout`; returns the remembered one (the same layout, maybe the older object). */
  remember(layout: ShardLayout): ShardLayout {
    const known = this.#layouts.get(layout.campaignId);
    if (known?.shards === layout.shards) return known;
    if (this.#layouts.size >= MAX_REMEMBERED) this.#layouts.clear();
    this.#layouts.set(layout.campaignId, layout);
    return layout;
  }

  forget(campaignId: CampaignId): void {
    this.#layouts.delete(campaignId);
  }
}
