import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type {
  IssuanceLedger,
  Reservation,
} from '../../src/application/ports/issuance-ledger.port.ts';
import type {
  IssuanceOutbox,
  OutboxEntry,
} from '../../src/application/ports/issuance-outbox.port.ts';
import type { Campaign } from '../../src/domain/campaign.ts';
import type { Coupon } from '../../src/domain/coupon.ts';
import type { CampaignId, UserId } from '../../src/domain/ids.ts';
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

const kinds = (reservations: readonly Reservation[]) => {
  const counts: Partial<Record<Reservation['kind'], number>> = {};
  for (const reservation of reservations)
    counts[reservation.kind] = (counts[reservation.kind] ?? 0) + 1;
  return counts;
};

const sequencesOf = (reservations: readonly Reservation[]) =>
  reservations
    .flatMap((reservation) => (reservation.kind === 'issued' ? [reservation.coupon.sequence] : []))
    .sort((a, b) => a - b);

const oneTo = (n: number) => Array.from({ length: n }, (_, i) => i + 1);

/** Takes from the outbox (acknowledging as it goes) until `expected` entries arrived or 10 s passed. */
async function drain(outbox: IssuanceOutbox, expected: number): Promise<OutboxEntry[]> {
  const deadline = Date.now() + 10_000;
  const all: OutboxEntry[] = [];
  while (all.length < expected && Date.now() < deadline) {
    const batch = await outbox.take(500, 100);
    all.push(...batch);
    await outbox.acknowledge(batch);
  }
  // One more look, so a duplicate sitting behind the expected entries is seen too.
  const extra = await outbox.take(500, 100);
  await outbox.acknowledge(extra);
  return [...all, ...extra];
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
): void {
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

        expect(reservation).toEqual({
          kind: 'issued',
          coupon: { campaignId: campaign.id, userId, sequence: 1, issuedAt: NOW },
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
        expect(await ledger.findGrant(campaignId, userId)).toBeUndefined();
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
        for (const sequence of [1, 2, 3]) {
          const reservation = await ledger.reserve(campaign.id, randomUserId(), NOW);
          expect(reservation.kind === 'issued' && reservation.coupon.sequence).toBe(sequence);
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

        expect(
          nineHundredNinetyNinth.kind === 'issued' && nineHundredNinetyNinth.coupon.sequence,
        ).toBe(999);
        expect(thousandth.kind === 'issued' && thousandth.coupon.sequence).toBe(1000);
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
        expect(granted).toEqual(oneTo(12));
      });

      it('does not spend a sequence on a refusal', async () => {
        const campaign = await defined({ startsAt: NOW, totalQuantity: 5 });
        const winner = randomUserId();
        await ledger.reserve(campaign.id, randomUserId(), at(-1)); // not-open
        await ledger.reserve(campaign.id, winner, NOW); // 1
        await ledger.reserve(campaign.id, winner, NOW); // already-issued

        const next = await ledger.reserve(campaign.id, randomUserId(), NOW);
        expect(next.kind === 'issued' && next.coupon.sequence).toBe(2);
      });

      it('finds the sequence of a winner and nothing for anyone else', async () => {
        const campaign = await defined();
        const [first, second, loser] = userIds(3) as [UserId, UserId, UserId];
        await ledger.reserve(campaign.id, first, NOW);
        await ledger.reserve(campaign.id, second, NOW);

        expect(await ledger.findGrant(campaign.id, first)).toBe(1);
        expect(await ledger.findGrant(campaign.id, second)).toBe(2);
        expect(await ledger.findGrant(campaign.id, loser)).toBeUndefined();
        expect(await ledger.findGrant(randomCampaignId(), first)).toBeUndefined();
      });

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
        expect(elsewhere.kind === 'issued' && elsewhere.coupon.sequence).toBe(1);
      });
    });

    describe('define', () => {
      it('keeps the grants when the campaign is defined again, and applies the new rules', async () => {
        const campaign = await defined({ totalQuantity: 10 });
        const [first, second] = userIds(2) as [UserId, UserId];
        await ledger.reserve(campaign.id, first, NOW);
        await ledger.reserve(campaign.id, second, NOW);

        await ledger.define({ ...campaign, totalQuantity: 3, endsAt: at(HOUR) });

        expect(await ledger.issuedCount(campaign.id)).toBe(2);
        expect(await ledger.findGrant(campaign.id, second)).toBe(2);
        expect(await ledger.reserve(campaign.id, first, NOW)).toEqual({ kind: 'already-issued' });
        const third = await ledger.reserve(campaign.id, randomUserId(), NOW);
        expect(third.kind === 'issued' && third.coupon.sequence).toBe(3);
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
          expect(await ledger.findGrant(campaign.id, coupon.userId)).toBe(coupon.sequence);
          expect(await ledger.reserve(campaign.id, coupon.userId, NOW)).toEqual({
            kind: 'already-issued',
          });
        }
        const sixth = await ledger.reserve(campaign.id, randomUserId(), NOW);
        const seventh = await ledger.reserve(campaign.id, randomUserId(), NOW);
        expect(sixth.kind === 'issued' && sixth.coupon.sequence).toBe(6);
        expect(seventh.kind === 'issued' && seventh.coupon.sequence).toBe(7);
        expect(await ledger.reserve(campaign.id, randomUserId(), NOW)).toEqual({
          kind: 'sold-out',
        });
      });

      it('accepts the coupons in any order', async () => {
        const campaign = CampaignMother.open();
        const coupons = restoredCoupons(campaign.id, 4).reverse();

        await ledger.restore(campaign, coupons);

        const next = await ledger.reserve(campaign.id, randomUserId(), NOW);
        expect(next.kind === 'issued' && next.coupon.sequence).toBe(5);
      });

      it('is idempotent: restoring the same record twice gives the same ledger', async () => {
        const campaign = CampaignMother.open();
        const coupons = restoredCoupons(campaign.id, 3);

        await ledger.restore(campaign, coupons);
        await ledger.restore(campaign, coupons);

        expect(await ledger.issuedCount(campaign.id)).toBe(3);
        for (const coupon of coupons) {
          expect(await ledger.findGrant(campaign.id, coupon.userId)).toBe(coupon.sequence);
        }
        const next = await ledger.reserve(campaign.id, randomUserId(), NOW);
        expect(next.kind === 'issued' && next.coupon.sequence).toBe(4);
      });

      it('replaces what the ledger held: grants missing from the record are gone, the rules are the restored ones', async () => {
        const campaign = await defined({ totalQuantity: 100 });
        const forgotten = randomUserId();
        await ledger.reserve(campaign.id, forgotten, NOW);
        await ledger.reserve(campaign.id, randomUserId(), NOW);
        await ledger.reserve(campaign.id, randomUserId(), NOW);
        const record = [CouponMother.of(campaign.id, 1)];

        await ledger.restore({ ...campaign, totalQuantity: 2 }, record);

        expect(await ledger.issuedCount(campaign.id)).toBe(1);
        expect(await ledger.findGrant(campaign.id, forgotten)).toBeUndefined();
        const second = await ledger.reserve(campaign.id, forgotten, NOW);
        expect(second.kind === 'issued' && second.coupon.sequence).toBe(2);
        expect(await ledger.reserve(campaign.id, randomUserId(), NOW)).toEqual({
          kind: 'sold-out',
        });
      });

      it('restores a campaign the ledger does not know, also without any coupon', async () => {
        const campaign = CampaignMother.open();
        expect(await ledger.issuedCount(campaign.id)).toBeUndefined();

        await ledger.restore(campaign, []);

        expect(await ledger.issuedCount(campaign.id)).toBe(0);
        const first = await ledger.reserve(campaign.id, randomUserId(), NOW);
        expect(first.kind === 'issued' && first.coupon.sequence).toBe(1);
      });

      it('restores a full campaign of 1000 winners', async () => {
        const campaign = CampaignMother.open({ totalQuantity: 1000 });
        const coupons = restoredCoupons(campaign.id, 1000);

        await ledger.restore(campaign, coupons);

        expect(await ledger.issuedCount(campaign.id)).toBe(1000);
        expect(await ledger.findGrant(campaign.id, coupons[999]!.userId)).toBe(1000);
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
        expect(sequencesOf(reservations)).toEqual(oneTo(100));
        expect(await ledger.issuedCount(campaign.id)).toBe(100);
      });

      it('gives exactly one coupon to one user applying 200 times at once', async () => {
        const campaign = await defined();
        const userId = randomUserId();

        const reservations = await Promise.all(
          Array.from({ length: 200 }, () => ledger.reserve(campaign.id, userId, NOW)),
        );

        expect(kinds(reservations)).toEqual({ issued: 1, 'already-issued': 199 });
        expect(sequencesOf(reservations)).toEqual([1]);
        expect(await ledger.findGrant(campaign.id, userId)).toBe(1);
        expect(await ledger.issuedCount(campaign.id)).toBe(1);
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
        expect(sequencesOf(reservations)).toEqual(oneTo(50));
      });
    });
  });
}
