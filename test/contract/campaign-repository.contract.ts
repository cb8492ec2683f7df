import { describe, expect, it } from 'vitest';
import type { AuditTrail } from '../../src/application/ports/audit-trail.port.ts';
import type { CampaignRepository } from '../../src/application/ports/campaign-repository.port.ts';
import type { CampaignId } from '../../src/domain/ids.ts';
import { useFixture } from '../support/contract-fixture.ts';
import { CampaignMother, randomCampaignId } from '../support/mothers.ts';

export interface CampaignRepositoryFixture {
  readonly campaigns: CampaignRepository;
  /** The trail the repository appends to with each change. */
  readonly audit: AuditTrail;
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

    describe('update: one change at a time, the row and its audit entry together', () => {
      const actor = { actor: 'mina', action: 'correct' };

      it('writes the new campaign and the audit entry, and answers what the change said', async () => {
        const campaign = CampaignMother.open({ totalQuantity: 10 });
        await fixture().campaigns.create(campaign, {
          actor: 'mina',
          action: 'create',
          campaignId: campaign.id,
        });

        const result = await fixture().campaigns.update(campaign.id, async (current) => ({
          result: current.totalQuantity,
          campaign: { ...current, totalQuantity: 20, paused: true },
          audit: {
            ...actor,
            reason: 'typo',
            campaignId: campaign.id,
            before: { totalQuantity: 10 },
            after: { totalQuantity: 20 },
          },
        }));

        expect(result).toBe(10);
        expect(await fixture().campaigns.find(campaign.id)).toEqual({
          ...campaign,
          totalQuantity: 20,
          paused: true,
        });
        const entries = await fixture().audit.list({ campaignId: campaign.id, limit: 10 });
        expect(entries.map((e) => [e.actor, e.action, e.reason])).toEqual([
          ['mina', 'correct', 'typo'],
          ['mina', 'create', undefined],
        ]);
        expect(entries[0]).toMatchObject({
          before: { totalQuantity: 10 },
          after: { totalQuantity: 20 },
        });
      });

      it('calls nothing and answers undefined for an unknown campaign', async () => {
        let called = false;
        const result = await fixture().campaigns.update(randomCampaignId(), async () => {
          called = true;
          return { result: 'changed' };
        });
        expect(result).toBeUndefined();
        expect(called).toBe(false);
      });

      it('writes nothing when the change throws: neither the row nor the audit entry', async () => {
        const campaign = CampaignMother.open();
        await fixture().campaigns.create(campaign);

        await expect(
          fixture().campaigns.update(campaign.id, async () => {
            throw new Error('the ledger is down');
          }),
        ).rejects.toThrow('the ledger is down');

        expect(await fixture().campaigns.find(campaign.id)).toEqual(campaign);
        expect(await fixture().audit.list({ campaignId: campaign.id, limit: 10 })).toEqual([]);
      });

      it('runs 20 concurrent changes of one campaign one after the other: none is lost', async () => {
        const campaign = CampaignMother.open({ totalQuantity: 1 });
        await fixture().campaigns.create(campaign);

        await Promise.all(
          Array.from({ length: 20 }, () =>
            fixture().campaigns.update(campaign.id, async (current) => ({
              result: undefined,
              campaign: { ...current, totalQuantity: current.totalQuantity + 1 },
              audit: { ...actor, campaignId: campaign.id },
            })),
          ),
        );

        expect((await fixture().campaigns.find(campaign.id))?.totalQuantity).toBe(21);
        expect(await fixture().audit.list({ campaignId: campaign.id, limit: 100 })).toHaveLength(
          20,
        );
      });

      it('completes 40 concurrent changes of different campaigns that each read the catalog meanwhile', async () => {
        const campaigns = Array.from({ length: 40 }, () => CampaignMother.open());
        for (const campaign of campaigns) await fixture().campaigns.create(campaign);

        const results = await Promise.all(
          campaigns.map((campaign) =>
            fixture().campaigns.update(campaign.id, async () => ({
              result: (await fixture().campaigns.find(campaign.id))?.id,
            })),
          ),
        );

        expect(results).toEqual(campaigns.map((campaign) => campaign.id));
      });
    });

    describe('the audit trail', () => {
      it('lists newest first, by campaign or all, a page at a time', async () => {
        const campaign = CampaignMother.open();
        await fixture().campaigns.create(campaign, {
          actor: 'a',
          action: 'create',
          campaignId: campaign.id,
        });
        for (const action of ['pause', 'resume', 'end']) {
          await fixture().campaigns.update(campaign.id, async () => ({
            result: undefined,
            audit: { actor: 'b', action, campaignId: campaign.id },
          }));
        }

        const first = await fixture().audit.list({ campaignId: campaign.id, limit: 2 });
        expect(first.map((e) => e.action)).toEqual(['end', 'resume']);
        const rest = await fixture().audit.list({
          campaignId: campaign.id,
          before: first.at(-1)!.id,
          limit: 10,
        });
        expect(rest.map((e) => e.action)).toEqual(['pause', 'create']);
        expect(rest.every((e) => e.at instanceof Date)).toBe(true);
        const everything = await fixture().audit.list({ limit: 500 });
        expect(everything.filter((e) => e.campaignId === campaign.id)).toHaveLength(4);
      });
    });
  });
}
