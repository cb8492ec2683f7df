import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { IssuanceLedger } from '../../src/application/ports/issuance-ledger.port.ts';
import type { LedgerRecovery } from '../../src/application/ports/ledger-recovery.port.ts';
import type { Campaign } from '../../src/domain/campaign.ts';
import type { Coupon } from '../../src/domain/coupon.ts';
import type { CampaignId } from '../../src/domain/ids.ts';
import {
  ledgerExpectations,
  NOW,
  oneTo,
  sequencesOf,
  type IssuanceLedgerCapabilities,
  type LedgerFixture,
} from '../support/ledger-expectations.ts';
import { drain } from '../support/ledger-reads.ts';
import {
  CampaignMother,
  CouponMother,
  randomCampaignId,
  randomUserId,
  userIds,
} from '../support/mothers.ts';

/**
 * One behaviour, every adapter: what a reconciliation (ReconcileLedger, rebuild-ledger, the
 * periodic check) may assume of any LedgerRecovery, observed through the ledger it recovers. A
 * restore merges, never drops a grant the caller passes, never lowers a count; a fence stops all
 * decisions until the next restore; the claim has one holder at a time.
 */
export function describeLedgerRecoveryContract(
  name: string,
  makeFixture: () => Promise<LedgerFixture>,
  capabilities: IssuanceLedgerCapabilities = {},
): void {
  const { dense, expectSequence, granted } = ledgerExpectations(capabilities);

  describe(`LedgerRecovery contract: ${name}`, () => {
    let fixture: LedgerFixture;
    let ledger: IssuanceLedger;
    let recovery: LedgerRecovery;

    beforeEach(async () => {
      fixture = await makeFixture();
      ({ ledger, recovery } = fixture);
    });

    afterEach(async () => {
      await fixture.close();
    });

    const defined = async (overrides: Partial<Campaign> = {}): Promise<Campaign> => {
      const campaign = CampaignMother.open(overrides);
      await ledger.define(campaign);
      return campaign;
    };

    describe('restore', () => {
      const restoredCoupons = (campaignId: CampaignId, count: number): Coupon[] =>
        oneTo(count).map((sequence) => CouponMother.of(campaignId, sequence));

      it('restores winners and count: winners get already-issued, the next grant follows the highest sequence', async () => {
        const campaign = CampaignMother.open({ totalQuantity: 7 });
        const coupons = restoredCoupons(campaign.id, 5);

        await recovery.restore(campaign, coupons);

        expect((await ledger.tally(campaign.id))?.issued).toBe(5);
        for (const coupon of coupons) {
          expect(await ledger.findGrant(campaign.id, coupon.userId)).toEqual(
            granted(coupon.sequence),
          );
          expect(await ledger.reserve(campaign.id, coupon.userId, NOW)).toEqual({
            kind: 'already-issued',
          });
        }
        const sixth = await ledger.reserve(campaign.id, randomUserId(), NOW);
        const seventh = await ledger.reserve(campaign.id, randomUserId(), NOW);
        const restored = coupons.map((coupon) => coupon.sequence);
        restored.push(expectSequence(sixth, 6, restored));
        expectSequence(seventh, 7, restored);
        expect(await ledger.reserve(campaign.id, randomUserId(), NOW)).toEqual({
          kind: 'sold-out',
        });
      });

      it('accepts the coupons in any order', async () => {
        const campaign = CampaignMother.open();
        const coupons = restoredCoupons(campaign.id, 4).reverse();

        await recovery.restore(campaign, coupons);

        const next = await ledger.reserve(campaign.id, randomUserId(), NOW);
        expectSequence(next, 5, oneTo(4));
      });

      it('is idempotent: restoring the same record twice gives the same ledger', async () => {
        const campaign = CampaignMother.open();
        const coupons = restoredCoupons(campaign.id, 3);

        await recovery.restore(campaign, coupons);
        await recovery.restore(campaign, coupons);

        expect((await ledger.tally(campaign.id))?.issued).toBe(3);
        for (const coupon of coupons) {
          expect(await ledger.findGrant(campaign.id, coupon.userId)).toEqual(
            granted(coupon.sequence),
          );
        }
        const next = await ledger.reserve(campaign.id, randomUserId(), NOW);
        expectSequence(next, 4, oneTo(3));
      });

      it('never lowers the count: a grant left out keeps its sequence spent; the rules are the restored ones', async () => {
        const campaign = await defined({ totalQuantity: 100 });
        const forgotten = randomUserId();
        await ledger.reserve(campaign.id, forgotten, NOW);
        await ledger.reserve(campaign.id, randomUserId(), NOW);
        await ledger.reserve(campaign.id, randomUserId(), NOW);
        const record = [CouponMother.of(campaign.id, 1)];

        await recovery.restore({ ...campaign, totalQuantity: 4 }, record);

        expect(await ledger.findGrant(campaign.id, forgotten)).toEqual({ kind: 'none' });
        if (dense) {
          expect((await ledger.tally(campaign.id))?.issued).toBe(3);
          // Sequences 2 and 3 were handed out: the next grant is 4, and the new cap of 4 is met.
          expectSequence(await ledger.reserve(campaign.id, forgotten, NOW), 4, [1, 2, 3]);
          expect(await ledger.reserve(campaign.id, randomUserId(), NOW)).toEqual({
            kind: 'sold-out',
          });
        }
      });

      it('restores a campaign the ledger does not know, also without any coupon', async () => {
        const campaign = CampaignMother.open();
        expect((await ledger.tally(campaign.id))?.issued).toBeUndefined();

        await recovery.restore(campaign, []);

        expect((await ledger.tally(campaign.id))?.issued).toBe(0);
        const first = await ledger.reserve(campaign.id, randomUserId(), NOW);
        expectSequence(first, 1);
      });

      it('restores a full campaign of 1000 winners', async () => {
        const campaign = CampaignMother.open({ totalQuantity: 1000 });
        const coupons = restoredCoupons(campaign.id, 1000);

        await recovery.restore(campaign, coupons);

        expect((await ledger.tally(campaign.id))?.issued).toBe(1000);
        expect(await ledger.findGrant(campaign.id, coupons[999]!.userId)).toEqual(granted(1000));
        expect(await ledger.reserve(campaign.id, randomUserId(), NOW)).toEqual({
          kind: 'sold-out',
        });
      });

      it('does not append restored coupons to the outbox (they are already persisted)', async () => {
        const campaign = CampaignMother.open();

        await recovery.restore(campaign, restoredCoupons(campaign.id, 3));
        const granted = await ledger.reserve(campaign.id, randomUserId(), NOW);

        const entries = await drain(fixture.outbox, 1);
        expect(entries.map((entry) => entry.coupon)).toEqual([
          granted.kind === 'issued' ? granted.coupon : undefined,
        ]);
      });
    });

    describe('fence, winners, the reconcile claim and bulk counts', () => {
      it('a fenced campaign decides nothing and answers not-ready, until a restore', async () => {
        const campaign = await defined({ totalQuantity: 10 });
        const winner = randomUserId();
        const first = await ledger.reserve(campaign.id, winner, NOW);

        await recovery.fence(campaign.id);
        await recovery.fence(campaign.id); // idempotent

        expect(await ledger.reserve(campaign.id, randomUserId(), NOW)).toEqual({
          kind: 'not-ready',
        });
        expect(await ledger.reserve(campaign.id, winner, NOW)).toEqual({ kind: 'not-ready' });
        expect(await ledger.findGrant(campaign.id, winner)).toEqual({ kind: 'not-ready' });
        expect(await ledger.findGrant(campaign.id, randomUserId())).toEqual({ kind: 'not-ready' });

        const held = await recovery.winners(campaign.id);
        expect([...held.keys()]).toEqual([winner]);
        await recovery.restore(
          campaign,
          [...held].map(([userId, sequence]) => CouponMother.of(campaign.id, sequence, { userId })),
        );
        expect(await ledger.reserve(campaign.id, winner, NOW)).toEqual({ kind: 'already-issued' });
        const next = await ledger.reserve(campaign.id, randomUserId(), NOW);
        expect(next.kind).toBe('issued');
        if (dense && first.kind === 'issued') expectSequence(next, 2, [1]);
      });

      it('lists every winner it holds, and nothing for an unknown campaign', async () => {
        const campaign = await defined({ totalQuantity: 10 });
        const users = userIds(4);
        const reservations = await Promise.all(
          users.map((u) => ledger.reserve(campaign.id, u, NOW)),
        );

        const held = await recovery.winners(campaign.id);

        expect(new Set(held.keys())).toEqual(new Set(users));
        expect([...held.values()].sort((a, b) => a - b)).toEqual(sequencesOf(reservations));
        expect((await recovery.winners(randomCampaignId())).size).toBe(0);
      });

      it('gives the reconcile claim to one holder at a time, back on release', async () => {
        const campaignId = randomCampaignId();
        const claims = await Promise.all(
          Array.from({ length: 10 }, () => recovery.claim(campaignId, 60_000)),
        );
        expect(claims.filter(Boolean)).toHaveLength(1);
        await recovery.release(campaignId);
        expect(await recovery.claim(campaignId, 60_000)).toBe(true);
        await recovery.release(campaignId);
      });

      it('counts the grants of many campaigns at once, as tally does each', async () => {
        const campaigns = await Promise.all([defined(), defined(), defined()]);
        for (const [i, campaign] of campaigns.entries()) {
          await Promise.all(userIds(i + 1).map((u) => ledger.reserve(campaign.id, u, NOW)));
        }
        const unknown = randomCampaignId();

        const counts = await recovery.issuedCounts([...campaigns.map((c) => c.id), unknown]);

        expect(campaigns.map((campaign) => counts.get(campaign.id))).toEqual([1, 2, 3]);
        expect(counts.has(unknown)).toBe(false);
        expect(await recovery.issuedCounts([])).toEqual(new Map());
      });
    });
  });
}
