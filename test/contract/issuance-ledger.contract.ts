import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type {
  IssuanceLedger,
  Reservation,
} from '../../src/application/ports/issuance-ledger.port.ts';
import type { IssuanceOutbox } from '../../src/application/ports/issuance-outbox.port.ts';
import type { Campaign } from '../../src/domain/campaign.ts';
import type { Coupon } from '../../src/domain/coupon.ts';
import type { CampaignId, UserId } from '../../src/domain/ids.ts';
import { drain, kinds } from '../support/ledger-reads.ts';
import {
  CampaignMother,
  CouponMother,
  randomCampaignId,
  randomUserId,
  userIds,
} from '../support/mothers.ts';

export interface IssuanceLedgerFixture {
  readonly ledger: IssuanceLedger;
  /** The outbox the ledger appends to (same store); the fixture's own, so it holds only this test's grants. */
  readonly outbox: IssuanceOutbox;
  close(): Promise<void>;
}

const NOW = new Date(Date.UTC(2026, 10, 25, 12, 0, 0));
const at = (offsetMs: number) => new Date(NOW.getTime() + offsetMs);
const HOUR = 3_600_000;

const sequencesOf = (reservations: readonly Reservation[]) =>
  reservations
    .flatMap((reservation) => (reservation.kind === 'issued' ? [reservation.coupon.sequence] : []))
    .sort((a, b) => a - b);

const oneTo = (n: number) => Array.from({ length: n }, (_, i) => i + 1);

/** What an adapter promises beyond the common contract. */
export interface IssuanceLedgerCapabilities {
  /**
   * Sequences are 1..N in grant order, without gaps (default). A ledger that splits a campaign's
   * stock across sub-ledgers (sharded-stock mode) only promises sequences that are unique
   * positive integers, none reused after a restore; every assertion on exactness (how many are
   * granted, sold-out exactly at the cap) and on one coupon per user is kept in full.
   */
  readonly denseSequences?: boolean;
  /** findGrant names the instant of the grant (issuedAt = the reserve's `now`); sharded does not. */
  readonly grantInstants?: boolean;
}

/**
 * One behaviour, every adapter: what ApplyForCoupon, RebuildLedger and the relay may assume of
 * any IssuanceLedger. The decision table is `decide` in src/domain/issuance-policy.ts, including
 * the order of its checks; a Redis ledger passes only if its Lua script is the same table.
 * Each test makes its own random campaigns, and each gets a fresh fixture.
 */
export function describeIssuanceLedgerContract(
  name: string,
  makeFixture: () => Promise<IssuanceLedgerFixture>,
  capabilities: IssuanceLedgerCapabilities = {},
): void {
  const dense = capabilities.denseSequences ?? true;

  /** The granted sequence: `dense` in a dense ledger, else any positive integer not in `taken`. */
  const expectSequence = (
    reservation: Reservation,
    denseSequence: number,
    taken: Iterable<number> = [],
  ): number => {
    const sequence = reservation.kind === 'issued' ? reservation.coupon.sequence : undefined;
    if (dense) {
      expect(sequence).toBe(denseSequence);
    } else {
      expect(reservation.kind).toBe('issued');
      expect(Number.isSafeInteger(sequence) && (sequence ?? 0) >= 1).toBe(true);
      expect([...taken]).not.toContain(sequence);
    }
    return sequence ?? 0;
  };

  /** Sorted sequences of `count` grants: 1..count in a dense ledger, else distinct positive integers. */
  const expectSequences = (sorted: readonly number[], count: number) => {
    if (dense) {
      expect(sorted).toEqual(oneTo(count));
    } else {
      expect(sorted).toHaveLength(count);
      expect(new Set(sorted).size).toBe(count);
      expect(sorted.every((sequence) => Number.isSafeInteger(sequence) && sequence >= 1)).toBe(
        true,
      );
    }
  };

  const instants = capabilities.grantInstants ?? false;
  /** A granted lookup, with or without the instant (asserted on its own, see grantInstants). */
  const granted = (sequence: number) =>
    expect.objectContaining({ kind: 'granted', sequence }) as unknown as {
      kind: 'granted';
      sequence: number;
    };

  describe(`IssuanceLedger contract: ${name}`, () => {
    let fixture: IssuanceLedgerFixture;
    let ledger: IssuanceLedger;

    beforeEach(async () => {
      fixture = await makeFixture();
      ledger = fixture.ledger;
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
        expect(await ledger.issuedCount(campaign.id)).toBe(1);
      });

      it('answers unknown-campaign for a campaign it has no rules for, and remembers nothing', async () => {
        const campaignId = randomCampaignId();
        const userId = randomUserId();

        expect(await ledger.reserve(campaignId, userId, NOW)).toEqual({ kind: 'unknown-campaign' });
        expect(await ledger.findGrant(campaignId, userId)).toEqual({ kind: 'unknown-campaign' });
        expect(await ledger.issuedCount(campaignId)).toBeUndefined();
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
        expect(await ledger.issuedCount(campaign.id)).toBe(1);
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
        expect(await ledger.issuedCount(campaign.id)).toBe(1);
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
        expect(await ledger.issuedCount(campaign.id)).toBe(3);
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
        expect(await ledger.issuedCount(campaign.id)).toBe(1000);
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
        await ledger.restore(campaign, [winner]);

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
        await ledger.restore(opening, [CouponMother.of(opening.id, 1)]);
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
        expect(await ledger.issuedCount(campaign.id)).toBe(2);
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

      it(
        instants
          ? "names the instant of a grant: issuedAt is the reserve's now"
          : 'names no instant for a grant: this layout does not keep one (the stored row has it)',
        async () => {
          const campaign = await defined();
          const winner = randomUserId();
          const won = await ledger.reserve(campaign.id, winner, at(1234));
          expect(won.kind).toBe('issued');
          expect(await ledger.findGrant(campaign.id, winner)).toEqual({
            kind: 'granted',
            sequence: won.kind === 'issued' ? won.coupon.sequence : 0,
            issuedAt: instants ? at(1234) : undefined,
          });
        },
      );

      it('counts 0 for a defined campaign without grants, then every grant', async () => {
        const campaign = await defined();
        expect(await ledger.issuedCount(campaign.id)).toBe(0);

        await Promise.all(userIds(7).map((userId) => ledger.reserve(campaign.id, userId, NOW)));

        expect(await ledger.issuedCount(campaign.id)).toBe(7);
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

        expect(await ledger.issuedCount(campaign.id)).toBe(2);
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

    describe('restore', () => {
      const restoredCoupons = (campaignId: CampaignId, count: number): Coupon[] =>
        oneTo(count).map((sequence) => CouponMother.of(campaignId, sequence));

      it('restores winners and count: winners get already-issued, the next grant follows the highest sequence', async () => {
        const campaign = CampaignMother.open({ totalQuantity: 7 });
        const coupons = restoredCoupons(campaign.id, 5);

        await ledger.restore(campaign, coupons);

        expect(await ledger.issuedCount(campaign.id)).toBe(5);
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

        await ledger.restore(campaign, coupons);

        const next = await ledger.reserve(campaign.id, randomUserId(), NOW);
        expectSequence(next, 5, oneTo(4));
      });

      it('is idempotent: restoring the same record twice gives the same ledger', async () => {
        const campaign = CampaignMother.open();
        const coupons = restoredCoupons(campaign.id, 3);

        await ledger.restore(campaign, coupons);
        await ledger.restore(campaign, coupons);

        expect(await ledger.issuedCount(campaign.id)).toBe(3);
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

        await ledger.restore({ ...campaign, totalQuantity: 4 }, record);

        expect(await ledger.findGrant(campaign.id, forgotten)).toEqual({ kind: 'none' });
        if (dense) {
          expect(await ledger.issuedCount(campaign.id)).toBe(3);
          // Sequences 2 and 3 were handed out: the next grant is 4, and the new cap of 4 is met.
          expectSequence(await ledger.reserve(campaign.id, forgotten, NOW), 4, [1, 2, 3]);
          expect(await ledger.reserve(campaign.id, randomUserId(), NOW)).toEqual({
            kind: 'sold-out',
          });
        }
      });

      it('restores a campaign the ledger does not know, also without any coupon', async () => {
        const campaign = CampaignMother.open();
        expect(await ledger.issuedCount(campaign.id)).toBeUndefined();

        await ledger.restore(campaign, []);

        expect(await ledger.issuedCount(campaign.id)).toBe(0);
        const first = await ledger.reserve(campaign.id, randomUserId(), NOW);
        expectSequence(first, 1);
      });

      it('restores a full campaign of 1000 winners', async () => {
        const campaign = CampaignMother.open({ totalQuantity: 1000 });
        const coupons = restoredCoupons(campaign.id, 1000);

        await ledger.restore(campaign, coupons);

        expect(await ledger.issuedCount(campaign.id)).toBe(1000);
        expect(await ledger.findGrant(campaign.id, coupons[999]!.userId)).toEqual(granted(1000));
        expect(await ledger.reserve(campaign.id, randomUserId(), NOW)).toEqual({
          kind: 'sold-out',
        });
      });

      it('does not append restored coupons to the outbox (they are already persisted)', async () => {
        const campaign = CampaignMother.open();

        await ledger.restore(campaign, restoredCoupons(campaign.id, 3));
        const granted = await ledger.reserve(campaign.id, randomUserId(), NOW);

        const entries = await drain(fixture.outbox, 1);
        expect(entries.map((entry) => entry.coupon)).toEqual([
          granted.kind === 'issued' ? granted.coupon : undefined,
        ]);
      });
    });

    describe('fence, winners, layout and the reconcile claim', () => {
      it('a fenced campaign decides nothing and answers not-ready, until a restore', async () => {
        const campaign = await defined({ totalQuantity: 10 });
        const winner = randomUserId();
        const first = await ledger.reserve(campaign.id, winner, NOW);

        await ledger.fence(campaign.id);
        await ledger.fence(campaign.id); // idempotent

        expect(await ledger.reserve(campaign.id, randomUserId(), NOW)).toEqual({
          kind: 'not-ready',
        });
        expect(await ledger.reserve(campaign.id, winner, NOW)).toEqual({ kind: 'not-ready' });
        expect(await ledger.findGrant(campaign.id, winner)).toEqual({ kind: 'not-ready' });
        expect(await ledger.findGrant(campaign.id, randomUserId())).toEqual({ kind: 'not-ready' });

        const held = await ledger.winners(campaign.id);
        expect([...held.keys()]).toEqual([winner]);
        await ledger.restore(
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

        const held = await ledger.winners(campaign.id);

        expect(new Set(held.keys())).toEqual(new Set(users));
        expect([...held.values()].sort((a, b) => a - b)).toEqual(sequencesOf(reservations));
        expect((await ledger.winners(randomCampaignId())).size).toBe(0);
      });

      it('holds a defined campaign in its own layout, and none for an unknown one', async () => {
        const campaign = await defined();
        expect(await ledger.layout(campaign.id)).toBe('own');
        expect(await ledger.layout(randomCampaignId())).toBe('none');
      });

      it('gives the reconcile claim to one holder at a time, back on release', async () => {
        const campaignId = randomCampaignId();
        const claims = await Promise.all(
          Array.from({ length: 10 }, () => ledger.claimReconcile(campaignId, 60_000)),
        );
        expect(claims.filter(Boolean)).toHaveLength(1);
        await ledger.releaseReconcile(campaignId);
        expect(await ledger.claimReconcile(campaignId, 60_000)).toBe(true);
        await ledger.releaseReconcile(campaignId);
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
        expect(await ledger.issuedCount(campaign.id)).toBe(100);
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
        expect(await ledger.issuedCount(campaign.id)).toBe(1);
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
          expect(await ledger.issuedCount(campaign.id)).toBe(20);
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
