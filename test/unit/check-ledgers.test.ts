import { describe, expect, it } from 'vitest';
import { CheckLedgers } from '../../src/application/operate/check-ledgers.ts';
import type { CampaignId } from '../../src/domain/ids.ts';
import { CapturingLogger } from '../support/test-logger.ts';
import { CampaignMother, CouponMother } from '../support/mothers.ts';
import { inMemoryReconciliation, ScriptedCouponRepository } from './fakes.ts';

/** Counts the repository's reads: the check must cost one grouped query, whatever the catalog. */
class CountingCoupons extends ScriptedCouponRepository {
  readonly grouped: (readonly CampaignId[])[] = [];
  perCampaign = 0;

  override countByCampaigns(ids: readonly CampaignId[]) {
    this.grouped.push([...ids]);
    return super.countByCampaigns(ids);
  }

  override countByCampaign(id: CampaignId) {
    this.perCampaign += 1;
    return super.countByCampaign(id);
  }
}

describe('CheckLedgers', () => {
  const setUp = () => {
    const world = inMemoryReconciliation();
    const coupons = new CountingCoupons(world.coupons);
    const requested: CampaignId[] = [];
    const check = new CheckLedgers(
      world.campaigns,
      coupons,
      world.recovery,
      { request: (id) => requested.push(id) },
      world.clock,
      new CapturingLogger(),
    );
    return { ...world, coupons, requested, check };
  };

  it('asks to reconcile a live campaign whose ledger holds fewer grants than the record', async () => {
    const { campaigns, ledger, recovery, coupons, requested, check } = setUp();
    const behind = CampaignMother.open({ totalQuantity: 10 });
    const even = CampaignMother.open({ totalQuantity: 10 });
    for (const campaign of [behind, even]) {
      await campaigns.create(campaign);
      await ledger.define(campaign);
    }
    await coupons.saveAll([CouponMother.of(behind.id, 1), CouponMother.of(behind.id, 2)]);
    await recovery.restore(even, [CouponMother.of(even.id, 1)]);
    await coupons.saveAll([CouponMother.of(even.id, 1)]);

    expect(await check.run()).toEqual([behind.id]);
    expect(requested).toEqual([behind.id]);
  });

  it('asks to reconcile a live campaign the ledger lost altogether', async () => {
    const { campaigns, requested, check } = setUp();
    const lost = CampaignMother.open();
    await campaigns.create(lost);

    expect(await check.run()).toEqual([lost.id]);
    expect(requested).toEqual([lost.id]);
  });

  it('leaves ended campaigns alone, and counts the live ones in ONE grouped query', async () => {
    const { campaigns, clock, coupons, requested, check } = setUp();
    const now = clock.now().getTime();
    const ended = Array.from({ length: 20 }, () =>
      CampaignMother.open({ startsAt: new Date(now - 7_200_000), endsAt: new Date(now - 1) }),
    );
    const live = [CampaignMother.open(), CampaignMother.open({ endsAt: new Date(now + 60_000) })];
    for (const campaign of [...ended, ...live]) await campaigns.create(campaign);

    const behind = await check.run();

    // The ledger holds none of them: only the live ones are found behind.
    expect(new Set(behind)).toEqual(new Set(live.map((campaign) => campaign.id)));
    expect(new Set(requested)).toEqual(new Set(live.map((campaign) => campaign.id)));
    expect(coupons.grouped).toHaveLength(1);
    expect(new Set(coupons.grouped[0])).toEqual(new Set(live.map((campaign) => campaign.id)));
    expect(coupons.perCampaign).toBe(0);
  });

  /** A sold-out campaign: its ledger and its rows at its quantity. */
  const soldOut = async (world: ReturnType<typeof setUp>, totalQuantity = 3) => {
    const campaign = CampaignMother.open({ totalQuantity });
    const coupons = Array.from({ length: totalQuantity }, (_, i) =>
      CouponMother.of(campaign.id, i + 1),
    );
    await world.campaigns.create(campaign);
    await world.ledger.define(campaign);
    await world.recovery.restore(campaign, coupons);
    await world.coupons.saveAll(coupons);
    return campaign;
  };
  const compared = (world: ReturnType<typeof setUp>, id: CampaignId) =>
    world.coupons.grouped.filter((ids) => ids.includes(id)).length;

  it('compares a campaign found sold out on every SOLD_OUT_EVERY-th check only (a finished drop costs the ledger nothing most checks)', async () => {
    const world = setUp();
    const finished = await soldOut(world);
    const open = CampaignMother.open({ totalQuantity: 10 });
    await world.campaigns.create(open);
    await world.ledger.define(open);

    for (let i = 0; i < CheckLedgers.SOLD_OUT_EVERY; i += 1) await world.check.run();

    expect(compared(world, finished.id)).toBe(1);
    expect(compared(world, open.id)).toBe(CheckLedgers.SOLD_OUT_EVERY);
    await world.check.run();
    expect(compared(world, finished.id)).toBe(2);
  });

  it('still finds a sold-out ledger set back by hand, at its next comparison', async () => {
    const world = setUp();
    const finished = await soldOut(world);
    await world.check.run();
    // Set back by hand on the same server (no restart, so no fence of its own): one grant gone.
    const held = world.store.campaigns.get(finished.id)!;
    world.store.campaigns.set(finished.id, { ...held, count: held.count - 1 });

    const found: string[][] = [];
    for (let i = 0; i < CheckLedgers.SOLD_OUT_EVERY; i += 1) found.push(await world.check.run());

    expect(found.slice(0, -1).flat()).toEqual([]);
    expect(found.at(-1)).toEqual([finished.id]);
    expect(world.requested).toEqual([finished.id]);
  });
});
