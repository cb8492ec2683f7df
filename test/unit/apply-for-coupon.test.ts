import { beforeEach, describe, expect, it } from 'vitest';
import type { InMemoryCampaignRepository } from '../../src/adapters/memory/in-memory-campaign-repository.ts';
import type { InMemoryCouponRepository } from '../../src/adapters/memory/in-memory-coupon-repository.ts';
import { InMemoryIssuanceOutbox } from '../../src/adapters/memory/in-memory-issuance-outbox.ts';
import type { InMemoryIssuanceLedger } from '../../src/adapters/memory/in-memory-issuance-ledger.ts';
import type { InMemoryLedgerStore } from '../../src/adapters/memory/in-memory-ledger-store.ts';
import { ApplyForCoupon, type ApplyOutcome } from '../../src/application/issue/apply-for-coupon.ts';
import { RebuildLedger } from '../../src/application/operate/rebuild-ledger.ts';
import type { Campaign } from '../../src/domain/campaign.ts';
import type { Coupon } from '../../src/domain/coupon.ts';
import type { UserId } from '../../src/domain/ids.ts';
import {
  CampaignMother,
  CouponMother,
  randomCampaignId,
  randomUserId,
  userIds,
} from '../support/mothers.ts';
import { inMemoryReconciliation, openCampaign, type ManualClock } from './fakes.ts';

describe('ApplyForCoupon', () => {
  let store: InMemoryLedgerStore;
  let ledger: InMemoryIssuanceLedger;
  let campaigns: InMemoryCampaignRepository;
  let coupons: InMemoryCouponRepository;
  let clock: ManualClock;
  let apply: ApplyForCoupon;
  let rebuild: RebuildLedger;

  beforeEach(() => {
    const memory = inMemoryReconciliation();
    ({ store, ledger, campaigns, coupons, clock } = memory);
    apply = new ApplyForCoupon(ledger, campaigns, clock, { request: () => undefined });
    rebuild = new RebuildLedger(
      memory.reconcile,
      new InMemoryIssuanceOutbox(store),
      memory.log,
      memory.failures,
    );
  });

  const create = async (overrides: Partial<Campaign> = {}): Promise<Campaign> => {
    const campaign = CampaignMother.open(overrides);
    return openCampaign(campaigns, ledger, campaign);
  };

  /** Every user applies once; the granted coupons are what the consumer would persist. */
  const grantAll = async (campaign: Campaign, users: readonly UserId[]): Promise<Coupon[]> => {
    const granted: Coupon[] = [];
    for (const user of users) {
      const outcome = await apply.execute(campaign.id, user);
      if (outcome.kind !== 'issued') throw new Error(`expected a grant, got ${outcome.kind}`);
      granted.push(outcome.coupon);
    }
    return granted;
  };

  it('grants the first applicant sequence 1 at the clock time', async () => {
    const campaign = await create();
    const user = randomUserId();

    expect(await apply.execute(campaign.id, user)).toEqual<ApplyOutcome>({
      kind: 'issued',
      coupon: { campaignId: campaign.id, userId: user, sequence: 1, issuedAt: clock.now() },
    });
  });

  it('passes the policy outcomes through: already-issued, sold-out, not-open, closed', async () => {
    const small = await create({ totalQuantity: 1 });
    const [winner, loser] = userIds(2);
    await apply.execute(small.id, winner!);
    // The holder's coupon comes with the 409.
    expect(await apply.execute(small.id, winner!)).toEqual({
      kind: 'already-issued',
      sequence: 1,
      issuedAt: clock.now(),
    });
    expect(await apply.execute(small.id, loser!)).toEqual({ kind: 'sold-out' });

    const opensAt = new Date(clock.now().getTime() + 1000);
    const later = await create({ startsAt: opensAt });
    expect(await apply.execute(later.id, randomUserId())).toEqual({ kind: 'not-open', opensAt });

    const closedAt = clock.now();
    const over = await create({ startsAt: new Date(closedAt.getTime() - 1000), endsAt: closedAt });
    expect(await apply.execute(over.id, randomUserId())).toEqual({ kind: 'closed', closedAt });
  });

  it('answers with a settled answer given before the gate, and never reserves for it', async () => {
    const small = await create({ totalQuantity: 1 });
    const [winner, loser] = userIds(2);
    await apply.execute(small.id, winner!);
    const now = clock.now();
    const lost = ledger.settledAnswer(small.id, loser!, now);
    const won = ledger.settledAnswer(small.id, winner!, now);
    expect([lost, won]).toEqual([{ kind: 'sold-out' }, { kind: 'already-issued' }]);
    // The operator adds stock between the gate's look and the apply: a reservation now would
    // grant the unproven applicant; the answer given stands instead.
    expect(await ledger.define({ ...small, totalQuantity: 2 })).toEqual({ kind: 'defined' });
    expect(ledger.settledAnswer(small.id, loser!, now)).toBeUndefined();
    expect(await apply.execute(small.id, loser!, undefined, lost)).toEqual({ kind: 'sold-out' });
    expect(await apply.execute(small.id, winner!, undefined, won)).toEqual({
      kind: 'already-issued',
      sequence: 1,
      issuedAt: now,
    });
    expect((await ledger.tally(small.id))?.issued).toBe(1);
  });

  it('answers unknown-campaign for a campaign that exists nowhere', async () => {
    expect(await apply.execute(randomCampaignId(), randomUserId())).toEqual({
      kind: 'unknown-campaign',
    });
  });

  it('answers ledger-not-ready when the campaign exists but the ledger lost its data (fail closed)', async () => {
    const campaign = await create();
    await grantAll(campaign, userIds(3));

    store.wipe();

    expect(await apply.execute(campaign.id, randomUserId())).toEqual({ kind: 'ledger-not-ready' });
    expect((await ledger.tally(campaign.id))?.issued).toBeUndefined();
  });

  it('tells a campaign created after an unknown answer apart once the short cache expired', async () => {
    const campaign = CampaignMother.open();
    expect((await apply.execute(campaign.id, randomUserId())).kind).toBe('unknown-campaign');
    // Durable, but never defined in the ledger (the ledger step failed at creation).
    await campaigns.create(campaign);
    clock.advance(1001);

    expect((await apply.execute(campaign.id, randomUserId())).kind).toBe('ledger-not-ready');
  });

  describe('rebuild-ledger', () => {
    /** The durable record holds `stored`; the ledger then lost all its data. */
    const storedThenLost = async (stored: readonly Coupon[]) => {
      await coupons.saveAll(stored);
      store.wipe();
    };

    const rebuilt = (winners: number, fromRecord = winners) => ({
      kind: 'rebuilt',
      winners,
      fromRecord,
    });

    /** The sequence a new applicant gets (false when refused). */
    const nextSequence = async (campaign: Campaign) => {
      const next = await apply.execute(campaign.id, randomUserId());
      return next.kind === 'issued' && next.coupon.sequence;
    };

    it('restores winners, the count and the next sequence from the durable record', async () => {
      const campaign = await create({ totalQuantity: 5 });
      const winners = userIds(3);
      await storedThenLost(await grantAll(campaign, winners));

      expect(await rebuild.execute(campaign.id)).toEqual(rebuilt(3));

      for (const winner of winners) {
        expect(await apply.execute(campaign.id, winner)).toMatchObject({ kind: 'already-issued' });
      }
      expect((await ledger.tally(campaign.id))?.issued).toBe(3);
      expect(await nextSequence(campaign)).toBe(4);
      // The restored coupons are already persisted: only the new grant is in the outbox.
      expect([...store.outbox.values()].map((e) => e.coupon.sequence)).toEqual([4]);
    });

    it('restores the cap: a rebuilt sold-out campaign stays sold out', async () => {
      const campaign = await create({ totalQuantity: 2 });
      await storedThenLost(await grantAll(campaign, userIds(2)));

      await rebuild.execute(campaign.id);

      expect(await apply.execute(campaign.id, randomUserId())).toEqual({ kind: 'sold-out' });
    });

    it('is idempotent: running it twice gives the same ledger', async () => {
      const campaign = await create({ totalQuantity: 10 });
      const granted = await grantAll(campaign, userIds(4));
      await storedThenLost(granted);

      expect(await rebuild.execute(campaign.id)).toEqual(rebuilt(4));
      // The second run finds every winner in the ledger already: nothing to bring back.
      expect(await rebuild.execute(campaign.id)).toEqual(rebuilt(4, 0));

      expect((await ledger.tally(campaign.id))?.issued).toBe(4);
      for (const coupon of granted) {
        // A restore keeps the instant of each grant (the record's issuedAt).
        expect(await ledger.findGrant(campaign.id, coupon.userId)).toEqual({
          kind: 'granted',
          sequence: coupon.sequence,
          issuedAt: coupon.issuedAt,
          issued: 4,
        });
      }
      expect(await nextSequence(campaign)).toBe(5);
    });

    it('reads the durable record page by page (more than one page of 5000)', async () => {
      const campaign = await create({ totalQuantity: 20_000 });
      const stored = Array.from({ length: 10_001 }, (_, i) => CouponMother.of(campaign.id, i + 1));
      await storedThenLost(stored);

      expect(await rebuild.execute(campaign.id)).toEqual(rebuilt(10_001));

      expect((await ledger.tally(campaign.id))?.issued).toBe(10_001);
      expect(await ledger.findGrant(campaign.id, stored.at(-1)!.userId)).toEqual({
        kind: 'granted',
        sequence: 10_001,
        issuedAt: stored.at(-1)!.issuedAt,
        issued: 10_001,
      });
      expect(await nextSequence(campaign)).toBe(10_002);
    });

    it('restores a campaign with no coupons yet, so it issues again from 1', async () => {
      const campaign = await create();
      store.wipe();
      expect((await apply.execute(campaign.id, randomUserId())).kind).toBe('ledger-not-ready');

      expect(await rebuild.execute(campaign.id)).toEqual(rebuilt(0));

      expect(await nextSequence(campaign)).toBe(1);
    });

    it('answers unknown-campaign for a campaign that is not in the durable record', async () => {
      expect(await rebuild.execute(randomCampaignId())).toEqual({ kind: 'unknown-campaign' });
    });
  });
});
