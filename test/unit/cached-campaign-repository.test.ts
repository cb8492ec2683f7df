import { describe, expect, it } from 'vitest';
import type { Campaign } from '../../src/domain/campaign.ts';
import type { CampaignId } from '../../src/domain/ids.ts';
import type {
  CampaignChange,
  CampaignRepository,
} from '../../src/application/ports/campaign-repository.port.ts';
import { CachedCampaignRepository } from '../../src/application/read/cached-campaign-repository.ts';
import { InMemoryCampaignRepository } from '../../src/adapters/memory/in-memory-campaign-repository.ts';
import { CampaignMother, randomCampaignId } from '../support/mothers.ts';

/** The durable catalog, counting what reaches it. */
class CountingCatalog implements CampaignRepository {
  readonly inner = new InMemoryCampaignRepository();
  finds = 0;
  lists = 0;
  create(campaign: Campaign): Promise<boolean> {
    return this.inner.create(campaign);
  }
  find(id: CampaignId): Promise<Campaign | undefined> {
    this.finds += 1;
    return this.inner.find(id);
  }
  list(): Promise<Campaign[]> {
    this.lists += 1;
    return this.inner.list();
  }
  update<T>(
    id: CampaignId,
    change: (current: Campaign) => Promise<CampaignChange<T>>,
  ): Promise<T | undefined> {
    return this.inner.update(id, change);
  }
}

describe('CachedCampaignRepository', () => {
  it('answers a flood of known and random ids from one reading of a small catalog', async () => {
    const durable = new CountingCatalog();
    const known = CampaignMother.open();
    await durable.create(known);
    const cached = new CachedCampaignRepository(durable, { ttlMs: 60_000 });

    const answers = await Promise.all(
      Array.from({ length: 1000 }, (_, i) => cached.find(i % 2 ? known.id : randomCampaignId())),
    );

    expect(answers.filter((a) => a?.id === known.id)).toHaveLength(500);
    expect(answers.filter((a) => a === undefined)).toHaveLength(500);
    expect({ finds: durable.finds, lists: durable.lists }).toEqual({ finds: 0, lists: 1 });
  });

  it('falls back to one lookup per distinct id when the catalog is too large to hold', async () => {
    const durable = new CountingCatalog();
    for (let i = 0; i < 3; i++) await durable.create(CampaignMother.open());
    const cached = new CachedCampaignRepository(durable, { ttlMs: 60_000, maxCatalog: 2 });
    const unknown = randomCampaignId();

    await Promise.all(Array.from({ length: 100 }, () => cached.find(unknown)));

    expect(durable.finds).toBe(1);
  });

  it('shows its own process a campaign it just created, at once', async () => {
    const durable = new CountingCatalog();
    const cached = new CachedCampaignRepository(durable, { ttlMs: 60_000 });
    const campaign = CampaignMother.open();
    expect(await cached.find(campaign.id)).toBeUndefined();

    await cached.create(campaign);

    expect(await cached.find(campaign.id)).toEqual(campaign);
    expect((await cached.list()).map((c) => c.id)).toEqual([campaign.id]);
  });
});
