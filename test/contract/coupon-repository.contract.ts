import { describe, expect, it } from 'vitest';
import { StoreUnavailableError } from '../../src/application/errors.ts';
import type { CampaignRepository } from '../../src/application/ports/campaign-repository.port.ts';
import type { CouponRepository } from '../../src/application/ports/coupon-repository.port.ts';
import type { Campaign } from '../../src/domain/campaign.ts';
import type { Coupon } from '../../src/domain/coupon.ts';
import type { CampaignId, UserId } from '../../src/domain/ids.ts';
import { useFixture } from '../support/contract-fixture.ts';
import {
  CampaignMother,
  CouponMother,
  randomCampaignId,
  randomUserId,
  userIds,
} from '../support/mothers.ts';

export interface CouponRepositoryFixture {
  readonly coupons: CouponRepository;
  /** Coupons belong to a campaign that must exist (the real table has a foreign key). */
  readonly campaigns: CampaignRepository;
  close(): Promise<void>;
}

/** A deterministic shuffle, so a failing order can be reproduced. */
function shuffled<T>(values: readonly T[], seed = 7): T[] {
  const copy = [...values];
  let state = seed;
  for (let i = copy.length - 1; i > 0; i -= 1) {
    state = (state * 1_103_515_245 + 12_345) % 2_147_483_648;
    const j = state % (i + 1);
    [copy[i], copy[j]] = [copy[j] as T, copy[i] as T];
  }
  return copy;
}

const bySequence = (a: Coupon, b: Coupon) => a.sequence - b.sequence;

/**
 * One behaviour, every adapter: what RecordIssuedCoupons and the status/summary use cases may
 * assume of any CouponRepository. Tests share one fixture and never truncate: each works in its
 * own random campaign, so suites can run in parallel against the same database.
 */
export function describeCouponRepositoryContract(
  name: string,
  makeFixture: () => Promise<CouponRepositoryFixture>,
): void {
  describe(`CouponRepository contract: ${name}`, () => {
    const fixture = useFixture(makeFixture, 'suite');

    const givenCampaign = async (): Promise<Campaign> => {
      const campaign = CampaignMother.open();
      expect(await fixture().campaigns.create(campaign)).toBe(true);
      return campaign;
    };

    const couponsOf = (campaignId: CampaignId, users: readonly UserId[]): Coupon[] =>
      users.map((userId, i) => CouponMother.of(campaignId, i + 1, { userId }));

    const storedUsers = async (campaignId: CampaignId): Promise<string[]> =>
      (await fixture().coupons.listByCampaign(campaignId, 0, 1_000_000))
        .map((coupon) => coupon.userId as string)
        .sort();

    it('saves a batch and finds every coupon by (campaign, user), values intact', async () => {
      const { id } = await givenCampaign();
      const batch = couponsOf(id, userIds(5)).map((coupon, i) => ({
        ...coupon,
        // Millisecond precision must survive the round trip.
        issuedAt: new Date(Date.UTC(2026, 10, 25, 12, 0, i, 123 + i)),
      }));

      await fixture().coupons.saveAll(batch);

      for (const coupon of batch) {
        expect(await fixture().coupons.find(coupon.campaignId, coupon.userId)).toEqual(coupon);
      }
      expect(await fixture().coupons.countByCampaign(id)).toBe(5);
    });

    it('finds nothing for an unknown user or an unknown campaign', async () => {
      const { id } = await givenCampaign();
      const [coupon] = couponsOf(id, [randomUserId()]);
      await fixture().coupons.saveAll([coupon as Coupon]);

      expect(await fixture().coupons.find(id, randomUserId())).toBeUndefined();
      expect(
        await fixture().coupons.find(randomCampaignId(), (coupon as Coupon).userId),
      ).toBeUndefined();
      expect(await fixture().coupons.countByCampaign(randomCampaignId())).toBe(0);
      expect(await fixture().coupons.listByCampaign(randomCampaignId(), 0, 10)).toEqual([]);
    });

    it('counts and lists coupons per campaign only', async () => {
      const first = await givenCampaign();
      const second = await givenCampaign();
      const users = userIds(4);
      // The same users in two campaigns: the unique key is (campaign, user), not user.
      await fixture().coupons.saveAll([
        ...couponsOf(first.id, users),
        ...couponsOf(second.id, users.slice(0, 3)),
      ]);

      expect(await fixture().coupons.countByCampaign(first.id)).toBe(4);
      expect(await fixture().coupons.countByCampaign(second.id)).toBe(3);
      expect(await storedUsers(second.id)).toEqual([...users.slice(0, 3)].sort());
      // All campaigns' counts in one read agree with the per-campaign ones.
      const other = randomCampaignId();
      const all = await fixture().coupons.countByCampaigns([first.id, second.id, other]);
      expect([all.get(first.id), all.get(second.id)]).toEqual([4, 3]);
      expect(all.has(other)).toBe(false);
      expect([...(await fixture().coupons.countByCampaigns([second.id])).keys()]).toEqual([
        second.id,
      ]);
    });

    it('lists in sequence order and pages with afterSequence / limit', async () => {
      const { id } = await givenCampaign();
      const all = couponsOf(id, userIds(25));
      await fixture().coupons.saveAll(shuffled(all));

      const page1 = await fixture().coupons.listByCampaign(id, 0, 10);
      const page2 = await fixture().coupons.listByCampaign(id, 10, 10);
      const page3 = await fixture().coupons.listByCampaign(id, 20, 10);
      const past = await fixture().coupons.listByCampaign(id, 25, 10);

      expect(page1.map((c) => c.sequence)).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9, 10]);
      expect(page2.map((c) => c.sequence)).toEqual([11, 12, 13, 14, 15, 16, 17, 18, 19, 20]);
      expect([...page1, ...page2, ...page3]).toEqual([...all].sort(bySequence));
      expect(past).toEqual([]);
      expect(await fixture().coupons.listByCampaign(id, 0, 0)).toEqual([]);
    });

    it('treats an empty batch as done', async () => {
      await expect(fixture().coupons.saveAll([])).resolves.toBeUndefined();
    });

    it('is idempotent: the same batch twice stores each coupon once', async () => {
      const { id } = await givenCampaign();
      const batch = couponsOf(id, userIds(10));

      await fixture().coupons.saveAll(batch);
      await fixture().coupons.saveAll(batch);

      expect(await fixture().coupons.countByCampaign(id)).toBe(10);
      expect(await fixture().coupons.listByCampaign(id, 0, 100)).toEqual(
        [...batch].sort(bySequence),
      );
    });

    it('stores the union of overlapping batches', async () => {
      const { id } = await givenCampaign();
      const all = couponsOf(id, userIds(15));

      await fixture().coupons.saveAll(all.slice(0, 10));
      await fixture().coupons.saveAll(all.slice(5, 15));

      expect(await fixture().coupons.listByCampaign(id, 0, 100)).toEqual(all);
    });

    it('keeps an already stored coupon unchanged when it is saved again with other values', async () => {
      const { id } = await givenCampaign();
      const [original] = couponsOf(id, [randomUserId()]) as [Coupon];
      await fixture().coupons.saveAll([original]);

      await fixture().coupons.saveAll([
        { ...original, sequence: 999, issuedAt: new Date(Date.UTC(2030, 0, 1)) },
      ]);

      expect(await fixture().coupons.find(id, original.userId)).toEqual(original);
      expect(await fixture().coupons.countByCampaign(id)).toBe(1);
    });

    it('refuses a coupon whose sequence another user of the campaign holds (UNIQUE campaign, sequence)', async () => {
      const { id } = await givenCampaign();
      const [holder, intruder] = couponsOf(id, userIds(2)) as [Coupon, Coupon];
      await fixture().coupons.saveAll([holder]);

      await expect(
        fixture().coupons.saveAll([{ ...intruder, sequence: holder.sequence }]),
      ).rejects.toThrow(/SEQUENCE_CONFLICT/);

      expect(await fixture().coupons.find(id, intruder.userId)).toBeUndefined();
      expect(await fixture().coupons.countByCampaign(id)).toBe(1);
    });

    it('stores a (campaign, user) repeated inside one batch once, the first occurrence winning', async () => {
      const { id } = await givenCampaign();
      const [first, other] = couponsOf(id, userIds(2)) as [Coupon, Coupon];
      const repeat: Coupon = { ...first, sequence: 3 };

      await fixture().coupons.saveAll([first, other, repeat]);

      expect(await fixture().coupons.countByCampaign(id)).toBe(2);
      expect(await fixture().coupons.find(id, first.userId)).toEqual(first);
    });

    it('treats user ids case-sensitively (the ledger does)', async () => {
      const { id } = await givenCampaign();
      const suffix = randomUserId('x');
      const upper = `Ann-${suffix}` as UserId;
      const lower = `ann-${suffix}` as UserId;

      await fixture().coupons.saveAll(couponsOf(id, [upper, lower]));

      expect(await fixture().coupons.countByCampaign(id)).toBe(2);
      expect((await fixture().coupons.find(id, upper))?.sequence).toBe(1);
      expect((await fixture().coupons.find(id, lower))?.sequence).toBe(2);
    });

    it('stores a batch larger than any statement chunk completely', async () => {
      const { id } = await givenCampaign();
      const batch = couponsOf(id, userIds(2_500));

      await fixture().coupons.saveAll(shuffled(batch));

      expect(await fixture().coupons.countByCampaign(id)).toBe(2_500);
      const last = await fixture().coupons.listByCampaign(id, 2_495, 10);
      expect(last.map((c) => c.sequence)).toEqual([2_496, 2_497, 2_498, 2_499, 2_500]);
    });

    it('rejects a coupon of a campaign that does not exist as a poison record, not an outage', async () => {
      const { id } = await givenCampaign();
      const good = couponsOf(id, userIds(3));
      const orphan = CouponMother.of(randomCampaignId('missing'), 1);

      const failure = await fixture()
        .coupons.saveAll([...good, orphan])
        .then(
          () => undefined,
          (error: unknown) => error,
        );

      expect(failure).toBeInstanceOf(Error);
      expect(failure).not.toBeInstanceOf(StoreUnavailableError);
      // All or nothing: the caller then isolates the poison record row by row.
      expect(await fixture().coupons.countByCampaign(id)).toBe(0);
      expect(await fixture().coupons.find(orphan.campaignId, orphan.userId)).toBeUndefined();
    });

    it('is all or nothing even when the batch spans several statements', async () => {
      const { id } = await givenCampaign();
      const good = couponsOf(id, userIds(2_100));
      // Sorted last by campaign id ('zz…' > 't-…'), so it lands in the final chunk.
      const orphan = CouponMother.of(`zz-${randomCampaignId('missing')}` as CampaignId, 1);

      await expect(fixture().coupons.saveAll([...good, orphan])).rejects.toThrow();

      expect(await fixture().coupons.countByCampaign(id)).toBe(0);
    });

    it('under 20 concurrent overlapping batches stores exactly the distinct coupons', async () => {
      const { id } = await givenCampaign();
      const all = couponsOf(id, userIds(58));
      // Batch i holds coupons [2i, 2i + 20): each overlaps its neighbours by 18 coupons, and is
      // shuffled differently, so the writers contend for the same keys in different orders.
      const batches = Array.from({ length: 20 }, (_, i) =>
        shuffled(all.slice(2 * i, 2 * i + 20), i + 1),
      );

      await Promise.all(batches.map((batch) => fixture().coupons.saveAll(batch)));

      expect(await fixture().coupons.countByCampaign(id)).toBe(58);
      expect(await fixture().coupons.listByCampaign(id, 0, 100)).toEqual(all);
    });
  });
}
