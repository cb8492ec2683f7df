import { describe, expect, it } from 'vitest';
import type { CampaignRepository } from '../../src/application/ports/campaign-repository.port.ts';
import type { CampaignId } from '../../src/domain/ids.ts';
import { useFixture } from '../support/contract-fixture.ts';
import { CampaignMother, randomCampaignId } from '../support/mothers.ts';

export interface CampaignRepositoryFixture {
  readonly campaigns: CampaignRepository;
  close(): Promise<void>;
}

/**
 * One behaviour, every adapter: what CreateCampaign and the read use cases may assume of any
 * CampaignRepository. Random ids per test instead of truncating, so suites run in parallel.
 */
export function describeCampaignRepositoryContract(
  name: string,
  makeFixture: () => Promise<CampaignRepositoryFixture>,
): void {
  describe(`CampaignRepository contract: ${name}`, () => {
    const fixture = useFixture(makeFixture, 'suite');

    it('creates a campaign and finds it by id, values intact', async () => {
      const campaign = CampaignMother.open({ name: 'Black Friday 🎉 드롭', totalQuantity: 1234 });

      expect(await fixture().campaigns.create(campaign)).toBe(true);

      expect(await fixture().campaigns.find(campaign.id)).toEqual(campaign);
    });

    it('finds nothing for an unknown id', async () => {
      expect(await fixture().campaigns.find(randomCampaignId())).toBeUndefined();
    });

    it('refuses a second campaign with the same id and keeps the first', async () => {
      const original = CampaignMother.open({ name: 'original' });
      await fixture().campaigns.create(original);

      const again = await fixture().campaigns.create({
        ...original,
        name: 'impostor',
        totalQuantity: 5,
      });

      expect(again).toBe(false);
      expect(await fixture().campaigns.find(original.id)).toEqual(original);
    });

    it('round-trips the optional window with millisecond precision', async () => {
      const startsAt = new Date(Date.UTC(2026, 10, 27, 9, 0, 0, 1));
      const endsAt = new Date(Date.UTC(2026, 10, 27, 9, 30, 59, 999));
      const windowed = CampaignMother.open({ startsAt, endsAt });
      const opensOnly = CampaignMother.open({ startsAt });

      await fixture().campaigns.create(windowed);
      await fixture().campaigns.create(opensOnly);

      const found = await fixture().campaigns.find(windowed.id);
      expect(found?.startsAt?.toISOString()).toBe('2026-11-27T09:00:00.001Z');
      expect(found?.endsAt?.toISOString()).toBe('2026-11-27T09:30:59.999Z');
      const open = await fixture().campaigns.find(opensOnly.id);
      expect(open).toEqual(opensOnly);
      // Absent, not `undefined`: the domain uses exactOptionalPropertyTypes.
      expect(open && 'endsAt' in open).toBe(false);
    });

    it('leaves both window bounds absent when none was given', async () => {
      const campaign = CampaignMother.open();
      await fixture().campaigns.create(campaign);

      const found = await fixture().campaigns.find(campaign.id);

      expect(found).toBeDefined();
      expect(found && ('startsAt' in found || 'endsAt' in found)).toBe(false);
    });

    it('lists created campaigns in id order', async () => {
      const base = randomCampaignId('list');
      const created = [`${base}-c`, `${base}-a`, `${base}-b`].map((id) =>
        CampaignMother.open({ id: id as CampaignId }),
      );
      for (const campaign of created) await fixture().campaigns.create(campaign);

      // Other tests share the store: look only at this test's campaigns, in listed order.
      const mine = (await fixture().campaigns.list()).filter((c) => c.id.startsWith(base));

      expect(mine.map((c) => c.id)).toEqual([`${base}-a`, `${base}-b`, `${base}-c`]);
      expect(mine).toContainEqual(created[0]);
    });

    it('under 20 concurrent creates of one id lets exactly one win', async () => {
      const id = randomCampaignId('race');
      const racers = Array.from({ length: 20 }, (_, i) =>
        CampaignMother.open({ id, name: `racer ${i}` }),
      );

      const results = await Promise.all(
        racers.map((campaign) => fixture().campaigns.create(campaign)),
      );

      expect(results.filter(Boolean)).toHaveLength(1);
      const winner = racers[results.indexOf(true)];
      expect(await fixture().campaigns.find(id)).toEqual(winner);
    });
  });
}
