import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { IssuanceLedger } from '../../src/application/ports/issuance-ledger.port.ts';
import type { LedgerControls } from '../../src/application/ports/ledger-controls.port.ts';
import type { LedgerRecovery } from '../../src/application/ports/ledger-recovery.port.ts';
import type { Campaign } from '../../src/domain/campaign.ts';
import type { UserId } from '../../src/domain/ids.ts';
import { at, NOW, type LedgerFixture } from '../support/ledger-expectations.ts';
import { drain, kinds } from '../support/ledger-reads.ts';
import {
  CampaignMother,
  CouponMother,
  randomCampaignId,
  randomUserId,
  userIds,
} from '../support/mothers.ts';

/**
 * What an operator's controls do to any ledger, on every adapter: the pause, a changed cap, the
 * eligibility rules and revocations, each exact against the grants in flight. The decision order
 * is `decide`'s (src/domain/issuance-policy.ts): already-issued, window, sold out (consumed units:
 * granted minus returned), paused, not eligible, granted.
 */
export function describeLedgerControlsContract(
  name: string,
  makeFixture: () => Promise<LedgerFixture>,
): void {
  describe(`LedgerControls contract: ${name}`, () => {
    let fixture: LedgerFixture;
    let ledger: IssuanceLedger;
    let controls: LedgerControls;
    let recovery: LedgerRecovery;

    beforeEach(async () => {
      fixture = await makeFixture();
      ({ ledger, controls, recovery } = fixture);
    });

    afterEach(async () => {
      await fixture.close();
    });

    const defined = async (overrides: Partial<Campaign> = {}): Promise<Campaign> => {
      const campaign = CampaignMother.open(overrides);
      expect(await ledger.define(campaign)).toEqual({ kind: 'defined' });
      return campaign;
    };
    const applyAll = (campaign: Campaign, users: readonly UserId[]) =>
      Promise.all(users.map((userId) => ledger.reserve(campaign.id, userId, NOW)));
    const grant = async (campaign: Campaign, userId: UserId = randomUserId()) => {
      const reservation = await ledger.reserve(campaign.id, userId, NOW);
      if (reservation.kind !== 'issued') throw new Error(`expected a grant: ${reservation.kind}`);
      return reservation.coupon;
    };

    describe('pause', () => {
      it('grants nothing while paused, counts nothing, and grants again once resumed', async () => {
        const campaign = await defined({ totalQuantity: 10 });
        await ledger.define({ ...campaign, paused: true });

        expect(kinds(await applyAll(campaign, userIds(20)))).toEqual({ paused: 20 });
        expect(await ledger.tally(campaign.id)).toEqual({ issued: 0, revoked: 0, returned: 0 });

        await ledger.define({ ...campaign, paused: false });
        expect(kinds(await applyAll(campaign, userIds(12)))).toEqual({
          issued: 10,
          'sold-out': 2,
        });
      });

      it('changes no answer that is final anyway: already issued, not open, closed, sold out', async () => {
        const campaign = await defined({ totalQuantity: 1 });
        const holder = randomUserId();
        await grant(campaign, holder);
        await ledger.define({ ...campaign, paused: true });

        expect(await ledger.reserve(campaign.id, holder, NOW)).toEqual({ kind: 'already-issued' });
        expect(await ledger.reserve(campaign.id, randomUserId(), NOW)).toEqual({
          kind: 'sold-out',
        });
        const later = await defined({ startsAt: at(60_000), paused: true });
        expect((await ledger.reserve(later.id, randomUserId(), NOW)).kind).toBe('not-open');
        const over = await defined({ startsAt: at(-60_000), endsAt: at(-1), paused: true });
        expect((await ledger.reserve(over.id, randomUserId(), NOW)).kind).toBe('closed');
      });

      it('keeps grants and count across pause and resume (a change of rules, not of state)', async () => {
        const campaign = await defined({ totalQuantity: 5 });
        const first = await grant(campaign);
        await ledger.define({ ...campaign, paused: true });
        await ledger.define({ ...campaign, paused: false });

        expect(await ledger.findGrant(campaign.id, first.userId)).toMatchObject({
          kind: 'granted',
          sequence: first.sequence,
        });
        expect((await grant(campaign)).sequence).not.toBe(first.sequence);
        expect((await ledger.tally(campaign.id))?.issued).toBe(2);
      });
    });

    describe('a changed cap', () => {
      it('refuses a cap below the units consumed, changing nothing', async () => {
        const campaign = await defined({ totalQuantity: 10 });
        await applyAll(campaign, userIds(5));

        expect(await ledger.define({ ...campaign, totalQuantity: 4 })).toEqual({
          kind: 'below-issued',
          consumed: 5,
        });
        expect(kinds(await applyAll(campaign, userIds(6)))).toEqual({ issued: 5, 'sold-out': 1 });
      });

      it('takes a cap equal to the units consumed: sold out at once', async () => {
        const campaign = await defined({ totalQuantity: 10 });
        await applyAll(campaign, userIds(5));

        expect(await ledger.define({ ...campaign, totalQuantity: 5 })).toEqual({
          kind: 'defined',
        });
        expect(kinds(await applyAll(campaign, userIds(3)))).toEqual({ 'sold-out': 3 });
      });

      it('grants exactly the new cap when it is lowered and raised in the middle of a stampede', async () => {
        const campaign = await defined({ totalQuantity: 200 });
        const stampede = applyAll(campaign, userIds(400));
        const lowered = await ledger.define({ ...campaign, totalQuantity: 120 });
        const reservations = await stampede;
        const issued = kinds(reservations).issued ?? 0;

        // Either the lower cap came in time (then exactly 120 were granted) or too late (then it
        // was refused against what the stampede had consumed): never more than the cap in force.
        if (lowered.kind === 'defined') expect(issued).toBe(120);
        else expect(lowered.consumed).toBeGreaterThan(120);
        expect(issued).toBeLessThanOrEqual(200);
        expect((await ledger.tally(campaign.id))?.issued).toBe(issued);

        await ledger.define({ ...campaign, totalQuantity: issued + 7 });
        expect(kinds(await applyAll(campaign, userIds(10)))).toEqual({ issued: 7, 'sold-out': 3 });
      });

      it('defines a campaign it did not hold, with nothing handed out', async () => {
        const campaign = CampaignMother.open({ totalQuantity: 1 });
        expect(await ledger.define(campaign)).toEqual({ kind: 'defined' });
        expect(await ledger.tally(campaign.id)).toEqual({ issued: 0, revoked: 0, returned: 0 });
      });
    });

    describe('eligibility', () => {
      it('an allowlist: only its users win; the others hear not-eligible and are never counted', async () => {
        const campaign = await defined({ totalQuantity: 10, eligibility: { kind: 'allowlist' } });
        const [listed, other, removed] = userIds(3) as [UserId, UserId, UserId];
        await controls.allow(campaign.id, [listed, removed]);
        await controls.disallow(campaign.id, [removed]);

        expect((await ledger.reserve(campaign.id, listed, NOW)).kind).toBe('issued');
        expect(await ledger.reserve(campaign.id, other, NOW)).toEqual({ kind: 'not-eligible' });
        expect(await ledger.reserve(campaign.id, removed, NOW)).toEqual({ kind: 'not-eligible' });
        expect(await ledger.findGrant(campaign.id, other)).toEqual({ kind: 'none' });
        expect(await ledger.tally(campaign.id)).toEqual({ issued: 1, revoked: 0, returned: 0 });
      });

      it('an allowlist of many users, uploaded in batches, each user winning at most once', async () => {
        const campaign = await defined({ totalQuantity: 1000, eligibility: { kind: 'allowlist' } });
        const listed = userIds(2500);
        await controls.allow(campaign.id, listed.slice(0, 1200));
        await controls.allow(campaign.id, listed.slice(1000));

        const reservations = await applyAll(campaign, [...listed.slice(0, 300), ...userIds(50)]);
        expect(kinds(reservations)).toEqual({ issued: 300, 'not-eligible': 50 });
      });

      it('a segment: only applicants whose verified claim carries it win', async () => {
        const campaign = await defined({ eligibility: { kind: 'segment', segment: 'vip' } });
        const vip = await ledger.reserve(campaign.id, randomUserId(), NOW, { segment: 'vip' });
        const other = await ledger.reserve(campaign.id, randomUserId(), NOW, { segment: 'basic' });
        const none = await ledger.reserve(campaign.id, randomUserId(), NOW);

        expect(vip.kind).toBe('issued');
        expect(other).toEqual({ kind: 'not-eligible' });
        expect(none).toEqual({ kind: 'not-eligible' });
      });

      it('says paused before not-eligible, and sold out before both', async () => {
        const campaign = await defined({ totalQuantity: 1, eligibility: { kind: 'allowlist' } });
        await ledger.define({ ...campaign, paused: true });
        expect(await ledger.reserve(campaign.id, randomUserId(), NOW)).toEqual({ kind: 'paused' });

        const winner = randomUserId();
        await controls.allow(campaign.id, [winner]);
        await ledger.define({ ...campaign, paused: false });
        await grant(campaign, winner);
        await ledger.define({ ...campaign, paused: true });
        expect(await ledger.reserve(campaign.id, randomUserId(), NOW)).toEqual({
          kind: 'sold-out',
        });
      });
    });

    const returned = { returnToStock: true, at: at(5_000) };
    const kept = { returnToStock: false, at: at(5_000) };

    describe('revoke', () => {
      it('marks the coupon revoked, once: the holder never wins again, the lookup says so', async () => {
        const campaign = await defined({ totalQuantity: 5 });
        const coupon = await grant(campaign);

        const revoked = await controls.revoke(campaign.id, coupon.userId, kept);
        expect(revoked).toEqual({
          kind: 'revoked',
          coupon: { ...coupon, revoked: { at: at(5_000), returned: false } },
        });
        expect(await controls.revoke(campaign.id, coupon.userId, returned)).toEqual({
          kind: 'already-revoked',
          coupon: { ...coupon, revoked: { at: at(5_000), returned: false } },
        });
        expect(await ledger.findGrant(campaign.id, coupon.userId)).toMatchObject({
          kind: 'granted',
          sequence: coupon.sequence,
          issuedAt: coupon.issuedAt,
          revoked: { at: at(5_000), returned: false },
        });
        expect(await ledger.reserve(campaign.id, coupon.userId, NOW)).toEqual({
          kind: 'already-issued',
        });
        expect(await ledger.tally(campaign.id)).toEqual({ issued: 1, revoked: 1, returned: 0 });
      });

      it('answers not-a-winner and unknown-campaign, changing nothing', async () => {
        const campaign = await defined();
        expect(await controls.revoke(campaign.id, randomUserId(), returned)).toEqual({
          kind: 'not-a-winner',
        });
        expect(await controls.revoke(randomCampaignId(), randomUserId(), returned)).toEqual({
          kind: 'unknown-campaign',
        });
        expect(await ledger.tally(campaign.id)).toEqual({ issued: 0, revoked: 0, returned: 0 });
      });

      it('kept: a sold-out campaign stays sold out', async () => {
        const campaign = await defined({ totalQuantity: 2 });
        const [first] = await Promise.all([grant(campaign), grant(campaign)]);
        await controls.revoke(campaign.id, first.userId, kept);

        expect(kinds(await applyAll(campaign, userIds(5)))).toEqual({ 'sold-out': 5 });
      });

      it('returned to stock: exactly one more applicant wins it, whatever the stampede', async () => {
        const campaign = await defined({ totalQuantity: 3 });
        const winners = await Promise.all([grant(campaign), grant(campaign), grant(campaign)]);
        const stampede = applyAll(campaign, userIds(100));
        await controls.revoke(campaign.id, winners[0].userId, returned);
        const late = await applyAll(campaign, userIds(100));

        const issued = (kinds(await stampede).issued ?? 0) + (kinds(late).issued ?? 0);
        expect(issued).toBe(1);
        expect(await ledger.tally(campaign.id)).toEqual({ issued: 4, revoked: 1, returned: 1 });
        // The unit went back once: the cap is still 3 active coupons.
        expect(await ledger.define({ ...campaign, totalQuantity: 2 })).toEqual({
          kind: 'below-issued',
          consumed: 3,
        });
      });

      it('appends the revocation to the outbox after the grant, for the consumer to mark the row', async () => {
        const campaign = await defined({ totalQuantity: 5 });
        const coupon = await grant(campaign);
        await controls.revoke(campaign.id, coupon.userId, returned);

        const events = (await drain(fixture.outbox, 2)).map((entry) => entry.coupon);
        // In grant order on a plain ledger; a sharded one promises no order within a campaign.
        expect(events).toHaveLength(2);
        expect(events).toEqual(
          expect.arrayContaining([
            coupon,
            { ...coupon, revoked: { at: at(5_000), returned: true } },
          ]),
        );
      });
    });

    describe('recovery', () => {
      it('restores revocations and the allowlist with the grants; what was returned stays returned', async () => {
        const campaign = CampaignMother.open({
          totalQuantity: 3,
          eligibility: { kind: 'allowlist' },
        });
        const coupons = [1, 2, 3].map((sequence) => CouponMother.of(campaign.id, sequence));
        const revocation = { at: at(1_000), returned: true };
        const listed = randomUserId();

        await recovery.restore(campaign, coupons, {
          revocations: new Map([[coupons[0]!.userId, revocation]]),
          allowlist: [listed, ...coupons.map((coupon) => coupon.userId)],
        });

        expect(await recovery.revocations(campaign.id)).toEqual(
          new Map([[coupons[0]!.userId, revocation]]),
        );
        expect(await ledger.tally(campaign.id)).toEqual({ issued: 3, revoked: 1, returned: 1 });
        expect(await ledger.findGrant(campaign.id, coupons[0]!.userId)).toMatchObject({
          revoked: revocation,
        });
        expect(await ledger.reserve(campaign.id, randomUserId(), NOW)).toEqual({
          kind: 'not-eligible',
        });
        expect((await ledger.reserve(campaign.id, listed, NOW)).kind).toBe('issued');
        expect(await ledger.reserve(campaign.id, randomUserId(), NOW)).toEqual({
          kind: 'sold-out',
        });
      });

      it('keeps the revocations the ledger holds when asked for them (what a reconciliation merges)', async () => {
        const campaign = await defined({ totalQuantity: 5 });
        const coupon = await grant(campaign);
        await controls.revoke(campaign.id, coupon.userId, kept);
        await recovery.fence(campaign.id);

        expect(await recovery.revocations(campaign.id)).toEqual(
          new Map([[coupon.userId, { at: at(5_000), returned: false }]]),
        );
        expect(await controls.revoke(campaign.id, coupon.userId, kept)).toEqual({
          kind: 'not-ready',
        });
      });
    });
  });
}
