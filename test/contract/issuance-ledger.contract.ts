import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { IssuanceLedger } from '../../src/application/ports/issuance-ledger.port.ts';
import type { LedgerRecovery } from '../../src/application/ports/ledger-recovery.port.ts';
import type { Campaign } from '../../src/domain/campaign.ts';
import type { Coupon } from '../../src/domain/coupon.ts';
import type { UserId } from '../../src/domain/ids.ts';
import {
  at,
  HOUR,
  ledgerExpectations,
  NOW,
  oneTo,
  sequencesOf,
  type IssuanceLedgerCapabilities,
  type LedgerFixture,
} from '../support/ledger-expectations.ts';
import { drain, kinds } from '../support/ledger-reads.ts';
import {
  CampaignMother,
  CouponMother,
  randomCampaignId,
  randomUserId,
  userIds,
} from '../support/mothers.ts';

export type { IssuanceLedgerCapabilities } from '../support/ledger-expectations.ts';

/**
 * One behaviour, every adapter: what ApplyForCoupon and the read side may assume of any
 * IssuanceLedger. The decision table is `decide` in src/domain/issuance-policy.ts, including the
 * order of its checks; a Redis ledger passes only if its Lua script is the same table. Each test
 * makes its own random campaigns, and each gets a fresh fixture (a restore, where a test needs
 * one to set up a state, is the recovery's: see ledger-recovery.contract.ts for its promises).
 */
export function describeIssuanceLedgerContract(
  name: string,
  makeFixture: () => Promise<LedgerFixture>,
  capabilities: IssuanceLedgerCapabilities = {},
): void {
  const { dense, expectSequence, expectSequences, granted } = ledgerExpectations(capabilities);

  describe(`IssuanceLedger contract: ${name}`, () => {
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

    describe('decision table', () => {
      it('issues the first coupon with sequence 1, issuedAt = now, for that campaign and user', async () => {
        const campaign = await defined();
        const userId = randomUserId();

        const reservation = await ledger.reserve(campaign.id, userId, NOW);

        const sequence = expectSequence(reservation, 1);
        expect(reservation).toEqual({
          kind: 'issued',
          coupon: { campaignId: campaign.id, userId, sequence, issuedAt: NOW },
        });
      });

      it('answers already-issued to a user who holds a coupon, and grants nothing more', async () => {
        const campaign = await defined();
        const userId = randomUserId();
        await ledger.reserve(campaign.id, userId, NOW);

        expect(await ledger.reserve(campaign.id, userId, at(1))).toEqual({
          kind: 'already-issued',
        });
        expect((await ledger.tally(campaign.id))?.issued).toBe(1);
      });

      it('answers unknown-campaign for a campaign it has no rules for, and remembers nothing', async () => {
        const campaignId = randomCampaignId();
        const userId = randomUserId();

        expect(await ledger.reserve(campaignId, userId, NOW)).toEqual({ kind: 'unknown-campaign' });
        expect(await ledger.findGrant(campaignId, userId)).toEqual({ kind: 'unknown-campaign' });
        expect((await ledger.tally(campaignId))?.issued).toBeUndefined();
      });

      it('answers not-open before startsAt (with the opening time) and issues exactly at startsAt', async () => {
        const campaign = await defined({ startsAt: NOW, endsAt: at(HOUR) });

        expect(await ledger.reserve(campaign.id, randomUserId(), at(-1))).toEqual({
          kind: 'not-open',
          opensAt: NOW,
        });
        expect(await ledger.reserve(campaign.id, randomUserId(), at(-HOUR))).toEqual({
          kind: 'not-open',
          opensAt: NOW,
        });
        expect((await ledger.reserve(campaign.id, randomUserId(), NOW)).kind).toBe('issued');
        expect((await ledger.tally(campaign.id))?.issued).toBe(1);
      });

      it('issues just before endsAt and answers closed exactly at endsAt (with the closing time)', async () => {
        const campaign = await defined({ startsAt: at(-HOUR), endsAt: NOW });

        expect((await ledger.reserve(campaign.id, randomUserId(), at(-1))).kind).toBe('issued');
        expect(await ledger.reserve(campaign.id, randomUserId(), NOW)).toEqual({
          kind: 'closed',
          closedAt: NOW,
        });
        expect(await ledger.reserve(campaign.id, randomUserId(), at(HOUR))).toEqual({
          kind: 'closed',
          closedAt: NOW,
        });
        expect((await ledger.tally(campaign.id))?.issued).toBe(1);
      });

      it('has no window when startsAt and endsAt are absent', async () => {
        const campaign = await defined();

        expect((await ledger.reserve(campaign.id, randomUserId(), new Date(0))).kind).toBe(
          'issued',
        );
        expect(
          (await ledger.reserve(campaign.id, randomUserId(), at(100 * 365 * 24 * HOUR))).kind,
        ).toBe('issued');
      });

      it('answers sold-out once totalQuantity coupons are out', async () => {
        const campaign = await defined({ totalQuantity: 3 });
        const taken: number[] = [];
        for (const sequence of [1, 2, 3]) {
          const reservation = await ledger.reserve(campaign.id, randomUserId(), NOW);
          taken.push(expectSequence(reservation, sequence, taken));
        }

        expect(await ledger.reserve(campaign.id, randomUserId(), NOW)).toEqual({
          kind: 'sold-out',
        });
        expect(await ledger.reserve(campaign.id, randomUserId(), NOW)).toEqual({
          kind: 'sold-out',
        });
        expect((await ledger.tally(campaign.id))?.issued).toBe(3);
      });

      it('grants the 999th and 1000th coupon of a 1000 campaign and refuses the 1001st', async () => {
        const campaign = await defined({ totalQuantity: 1000 });
        const first = await Promise.all(
          userIds(998).map((userId) => ledger.reserve(campaign.id, userId, NOW)),
        );
        expect(kinds(first)).toEqual({ issued: 998 });

        const nineHundredNinetyNinth = await ledger.reserve(campaign.id, randomUserId(), NOW);
        const thousandth = await ledger.reserve(campaign.id, randomUserId(), NOW);
        const thousandFirst = await ledger.reserve(campaign.id, randomUserId(), NOW);

        const taken = sequencesOf(first);
        taken.push(expectSequence(nineHundredNinetyNinth, 999, taken));
        expectSequence(thousandth, 1000, taken);
        expect(thousandFirst).toEqual({ kind: 'sold-out' });
        expect((await ledger.tally(campaign.id))?.issued).toBe(1000);
      });
    });

    describe('order of the checks', () => {
      it('answers already-issued rather than closed to a winner who applies again after endsAt', async () => {
        const campaign = await defined({ endsAt: NOW });
        const userId = randomUserId();
        await ledger.reserve(campaign.id, userId, at(-1));

        expect(await ledger.reserve(campaign.id, userId, at(1))).toEqual({
          kind: 'already-issued',
        });
      });

      it('answers already-issued rather than sold-out to a winner who applies again', async () => {
        const campaign = await defined({ totalQuantity: 1 });
        const userId = randomUserId();
        await ledger.reserve(campaign.id, userId, NOW);

        expect(await ledger.reserve(campaign.id, userId, NOW)).toEqual({ kind: 'already-issued' });
        expect(await ledger.reserve(campaign.id, randomUserId(), NOW)).toEqual({
          kind: 'sold-out',
        });
      });

      it('answers already-issued rather than not-open to a (restored) winner before startsAt', async () => {
        const campaign = CampaignMother.open({ startsAt: at(HOUR) });
        const winner = CouponMother.of(campaign.id, 1);
        await recovery.restore(campaign, [winner]);

        expect(await ledger.reserve(campaign.id, winner.userId, NOW)).toEqual({
          kind: 'already-issued',
        });
      });

      it('answers closed rather than sold-out after endsAt, and not-open rather than sold-out before startsAt', async () => {
        const closing = await defined({ totalQuantity: 1, endsAt: at(HOUR) });
        await ledger.reserve(closing.id, randomUserId(), NOW);
        expect(await ledger.reserve(closing.id, randomUserId(), at(HOUR))).toEqual({
          kind: 'closed',
          closedAt: at(HOUR),
        });

        const opening = CampaignMother.open({ totalQuantity: 1, startsAt: at(HOUR) });
        await recovery.restore(opening, [CouponMother.of(opening.id, 1)]);
        expect(await ledger.reserve(opening.id, randomUserId(), NOW)).toEqual({
          kind: 'not-open',
          opensAt: at(HOUR),
        });
      });
    });

    describe('sequence, grants and count', () => {
      it('hands out sequences 1..N without gaps, in grant order', async () => {
        const campaign = await defined({ totalQuantity: 20 });
        const granted: number[] = [];
        for (const userId of userIds(12)) {
          const reservation = await ledger.reserve(campaign.id, userId, NOW);
          if (reservation.kind === 'issued') granted.push(reservation.coupon.sequence);
        }
        if (dense) expect(granted).toEqual(oneTo(12));
        else
          expectSequences(
            [...granted].sort((a, b) => a - b),
            12,
          );
      });

      it('does not spend a sequence on a refusal', async () => {
        const campaign = await defined({ startsAt: NOW, totalQuantity: 5 });
        const winner = randomUserId();
        await ledger.reserve(campaign.id, randomUserId(), at(-1)); // not-open
        const won = await ledger.reserve(campaign.id, winner, NOW); // 1
        await ledger.reserve(campaign.id, winner, NOW); // already-issued

        const next = await ledger.reserve(campaign.id, randomUserId(), NOW);
        expectSequence(next, 2, [expectSequence(won, 1)]);
        expect((await ledger.tally(campaign.id))?.issued).toBe(2);
      });

      it('finds the sequence of a winner and nothing for anyone else', async () => {
        const campaign = await defined();
        const [first, second, loser] = userIds(3) as [UserId, UserId, UserId];
        const firstSequence = expectSequence(await ledger.reserve(campaign.id, first, NOW), 1);
        const secondSequence = expectSequence(await ledger.reserve(campaign.id, second, NOW), 2, [
          firstSequence,
        ]);

        expect(await ledger.findGrant(campaign.id, first)).toEqual(
          granted(dense ? 1 : firstSequence),
        );
        expect(await ledger.findGrant(campaign.id, second)).toEqual(
          granted(dense ? 2 : secondSequence),
        );
        expect(await ledger.findGrant(campaign.id, loser)).toEqual({ kind: 'none' });
        expect(await ledger.findGrant(randomCampaignId(), first)).toEqual({
          kind: 'unknown-campaign',
        });
      });

      it("names the instant of a grant: issuedAt is the reserve's now", async () => {
        const campaign = await defined();
        const winner = randomUserId();
        const won = await ledger.reserve(campaign.id, winner, at(1234));
        expect(won.kind).toBe('issued');
        expect(await ledger.findGrant(campaign.id, winner)).toMatchObject({
          kind: 'granted',
          sequence: won.kind === 'issued' ? won.coupon.sequence : 0,
          issuedAt: at(1234),
        });
      });

      it(
        dense
          ? "counts the campaign's grants in the same read as the grant"
          : "names no count with a grant: a sub-ledger's own is not the campaign's",
        async () => {
          const campaign = await defined();
          const winner = randomUserId();
          await Promise.all(userIds(2).map((userId) => ledger.reserve(campaign.id, userId, NOW)));
          await ledger.reserve(campaign.id, winner, NOW);

          const lookup = await ledger.findGrant(campaign.id, winner);
          expect(lookup.kind === 'granted' && lookup.issued).toBe(dense ? 3 : undefined);
        },
      );

      it('counts 0 for a defined campaign without grants, then every grant', async () => {
        const campaign = await defined();
        expect((await ledger.tally(campaign.id))?.issued).toBe(0);

        await Promise.all(userIds(7).map((userId) => ledger.reserve(campaign.id, userId, NOW)));

        expect((await ledger.tally(campaign.id))?.issued).toBe(7);
      });

      it('keeps campaigns apart', async () => {
        const one = await defined({ totalQuantity: 1 });
        const other = await defined({ totalQuantity: 1 });
        const userId = randomUserId();

        expect((await ledger.reserve(one.id, userId, NOW)).kind).toBe('issued');
        const elsewhere = await ledger.reserve(other.id, userId, NOW);
        expectSequence(elsewhere, 1);
      });
    });

    describe('define', () => {
      it('keeps the grants when the campaign is defined again, and applies the new rules', async () => {
        const campaign = await defined({ totalQuantity: 10 });
        const [first, second] = userIds(2) as [UserId, UserId];
        const firstSequence = expectSequence(await ledger.reserve(campaign.id, first, NOW), 1);
        const secondSequence = expectSequence(await ledger.reserve(campaign.id, second, NOW), 2, [
          firstSequence,
        ]);

        await ledger.define({ ...campaign, totalQuantity: 3, endsAt: at(HOUR) });

        expect((await ledger.tally(campaign.id))?.issued).toBe(2);
        expect(await ledger.findGrant(campaign.id, second)).toEqual(
          granted(dense ? 2 : secondSequence),
        );
        expect(await ledger.reserve(campaign.id, first, NOW)).toEqual({ kind: 'already-issued' });
        const third = await ledger.reserve(campaign.id, randomUserId(), NOW);
        expectSequence(third, 3, [firstSequence, secondSequence]);
        expect(await ledger.reserve(campaign.id, randomUserId(), NOW)).toEqual({
          kind: 'sold-out',
        });
        expect(await ledger.reserve(campaign.id, randomUserId(), at(HOUR))).toEqual({
          kind: 'closed',
          closedAt: at(HOUR),
        });
      });

      it('removes a bound that the new definition no longer has', async () => {
        const campaign = await defined({ startsAt: at(HOUR) });
        expect((await ledger.reserve(campaign.id, randomUserId(), NOW)).kind).toBe('not-open');

        const { id, name, totalQuantity, perUserLimit } = campaign;
        await ledger.define({ id, name, totalQuantity, perUserLimit });

        expect((await ledger.reserve(campaign.id, randomUserId(), NOW)).kind).toBe('issued');
      });
    });

    describe('outbox', () => {
      it('appends every grant exactly once, and nothing for a refusal', async () => {
        const campaign = await defined({ totalQuantity: 40, endsAt: at(HOUR) });
        const repeated = randomUserId();
        const reservations = await Promise.all([
          ...userIds(60).map((userId) => ledger.reserve(campaign.id, userId, NOW)),
          ...Array.from({ length: 10 }, () => ledger.reserve(campaign.id, repeated, NOW)),
          ledger.reserve(campaign.id, randomUserId(), at(HOUR)),
        ]);
        const granted = reservations.flatMap((r) => (r.kind === 'issued' ? [r.coupon] : []));
        expect(granted).toHaveLength(40);

        const entries = await drain(fixture.outbox, 40);

        const bySequence = (a: Coupon, b: Coupon) => a.sequence - b.sequence;
        expect(entries.map((entry) => entry.coupon).sort(bySequence)).toEqual(
          granted.sort(bySequence),
        );
        expect(new Set(entries.map((entry) => entry.id)).size).toBe(40);
      });
    });

    describe('races (real concurrency: every reserve in flight at once)', () => {
      it('gives exactly the cap to 1000 distinct users racing for 100 coupons, sequences 1..100', async () => {
        const campaign = await defined({ totalQuantity: 100 });

        const reservations = await Promise.all(
          userIds(1000).map((userId) => ledger.reserve(campaign.id, userId, NOW)),
        );

        expect(kinds(reservations)).toEqual({ issued: 100, 'sold-out': 900 });
        expectSequences(sequencesOf(reservations), 100);
        expect((await ledger.tally(campaign.id))?.issued).toBe(100);
      });

      it('gives exactly one coupon to one user applying 200 times at once', async () => {
        const campaign = await defined();
        const userId = randomUserId();

        const reservations = await Promise.all(
          Array.from({ length: 200 }, () => ledger.reserve(campaign.id, userId, NOW)),
        );

        expect(kinds(reservations)).toEqual({ issued: 1, 'already-issued': 199 });
        expectSequences(sequencesOf(reservations), 1);
        expect(await ledger.findGrant(campaign.id, userId)).toEqual(
          granted(dense ? 1 : (sequencesOf(reservations)[0] ?? 0)),
        );
        expect((await ledger.tally(campaign.id))?.issued).toBe(1);
      });

      it('keeps answering exactly after the sell-out: winners already-issued, everyone else sold-out', async () => {
        const campaign = await defined({ totalQuantity: 20 });
        const users = userIds(60);
        const first = await Promise.all(users.map((u) => ledger.reserve(campaign.id, u, NOW)));
        const winners = users.filter((_, i) => first[i]?.kind === 'issued');
        expect(winners).toHaveLength(20);
        // Waves after the sell-out (a ledger that settles in memory has loaded by now), each
        // mixing winners and everyone else, all at once.
        for (let wave = 0; wave < 3; wave += 1) {
          await new Promise((resolve) => setTimeout(resolve, 20));
          const again = await Promise.all(users.map((u) => ledger.reserve(campaign.id, u, NOW)));
          users.forEach((u, i) =>
            expect(again[i]?.kind).toBe(winners.includes(u) ? 'already-issued' : 'sold-out'),
          );
          for (const winner of winners.slice(0, 3)) {
            expect(await ledger.findGrant(campaign.id, winner)).toMatchObject({ kind: 'granted' });
          }
          expect(await ledger.findGrant(campaign.id, randomUserId())).toEqual({ kind: 'none' });
          expect((await ledger.tally(campaign.id))?.issued).toBe(20);
        }
        expect(await drain(fixture.outbox, 20)).toHaveLength(20);
      });

      it('never grants more than the cap nor twice to one user when both races mix', async () => {
        const campaign = await defined({ totalQuantity: 50 });
        const users = userIds(100);

        const reservations = await Promise.all(
          [...users, ...users, ...users].map((userId) => ledger.reserve(campaign.id, userId, NOW)),
        );

        const winners = reservations.flatMap((r) => (r.kind === 'issued' ? [r.coupon.userId] : []));
        expect(winners).toHaveLength(50);
        expect(new Set(winners).size).toBe(50);
        expectSequences(sequencesOf(reservations), 50);
      });
    });
  });
}
