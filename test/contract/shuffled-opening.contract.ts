import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type {
  IssuanceLedger,
  Reservation,
} from '../../src/application/ports/issuance-ledger.port.ts';
import type { Campaign } from '../../src/domain/campaign.ts';
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
import { CampaignMother, randomUserId, userIds } from '../support/mothers.ts';

/** The opening of every campaign here: [NOW, NOW + W). */
const W = 500;
const DRAW_AT = at(W);

/**
 * The shuffled opening (src/domain/opening.ts), as every IssuanceLedger keeps it: applications of
 * the first W ms are collected, decided all at once in a random order by the first call after W,
 * each answered once; later applications never overtake them. Times are given, never waited for.
 */
export function describeShuffledOpeningContract(
  name: string,
  makeFixture: () => Promise<LedgerFixture>,
  capabilities: IssuanceLedgerCapabilities = {},
): void {
  const { dense } = ledgerExpectations(capabilities);
  const whole = capabilities.wholeOpeningDraw ?? true;

  describe(`IssuanceLedger contract, shuffled opening: ${name}`, () => {
    let fixture: LedgerFixture;
    let ledger: IssuanceLedger;

    beforeEach(async () => {
      fixture = await makeFixture();
      ({ ledger } = fixture);
    });

    afterEach(async () => {
      await fixture.close();
    });

    const defined = async (totalQuantity: number): Promise<Campaign> => {
      const campaign = CampaignMother.open({
        totalQuantity,
        startsAt: NOW,
        endsAt: at(HOUR),
        openingShuffleMs: W,
      });
      await ledger.define(campaign);
      return campaign;
    };

    /** Each user applies once, in this order, spread over the opening. */
    const applyInOpening = async (campaign: Campaign, users: readonly UserId[]) => {
      const answers: Reservation[] = [];
      for (const [i, userId] of users.entries()) {
        answers.push(
          await ledger.reserve(campaign.id, userId, at(Math.floor((i * W) / users.length))),
        );
      }
      return answers;
    };

    const collectAll = (campaign: Campaign, users: readonly UserId[], now = DRAW_AT) =>
      Promise.all(users.map((userId) => ledger.collect(campaign.id, userId, NOW, now)));

    const winnersOf = (users: readonly UserId[], answers: readonly Reservation[]) =>
      users.filter((_, i) => answers[i]?.kind === 'issued');

    it('collects an application of the opening without deciding it, once per user', async () => {
      const campaign = await defined(10);
      const userId = randomUserId();

      expect(await ledger.reserve(campaign.id, userId, NOW)).toEqual({
        kind: 'pooled',
        drawAt: DRAW_AT,
        entered: true,
        collected: 1,
      });
      expect(await ledger.reserve(campaign.id, userId, at(W - 1))).toEqual({
        kind: 'pooled',
        drawAt: DRAW_AT,
        entered: false,
        collected: 1,
      });
      expect(await ledger.collect(campaign.id, userId, NOW, at(W - 1))).toEqual({
        kind: 'pooled',
        drawAt: DRAW_AT,
        entered: false,
        collected: 1,
      });
      expect((await ledger.tally(campaign.id))?.issued).toBe(0);
      expect(await ledger.findGrant(campaign.id, userId)).toEqual({ kind: 'none' });
    });

    it('answers before startsAt as ever (not-open), and collects nothing then', async () => {
      const campaign = await defined(10);

      expect(await ledger.reserve(campaign.id, randomUserId(), at(-1))).toEqual({
        kind: 'not-open',
        opensAt: NOW,
      });
      expect((await ledger.tally(campaign.id))?.issued).toBe(0);
    });

    it('draws every collected application after W: the cap exact, one grant each, the rest sold out', async () => {
      const campaign = await defined(5);
      const users = userIds(12);
      await applyInOpening(campaign, users);

      const answers = await collectAll(campaign, users);

      expect(kinds(answers)).toEqual({ issued: 5, 'sold-out': 7 });
      if (dense) expect(sequencesOf(answers)).toEqual(oneTo(5));
      if (dense) expect((await ledger.tally(campaign.id))?.issued).toBe(5);
      const outbox = await drain(fixture.outbox, 5);
      expect(outbox.map((entry) => entry.coupon.userId).sort()).toEqual(
        winnersOf(users, answers).sort(),
      );
    });

    it('answers a grant once: the second ask of a winner is already-issued, a refusal stays', async () => {
      const campaign = await defined(1);
      const users = userIds(3);
      await applyInOpening(campaign, users);
      const first = await collectAll(campaign, users);

      const again = await collectAll(campaign, users, at(W + 10));

      const winner = users.findIndex((_, i) => first[i]?.kind === 'issued');
      expect(winner).toBeGreaterThanOrEqual(0);
      expect(again.map((answer) => answer.kind)).toEqual(
        users.map((_, i) => (i === winner ? 'already-issued' : 'sold-out')),
      );
      expect(await ledger.findGrant(campaign.id, users[winner]!)).toMatchObject({
        kind: 'granted',
        sequence: first[winner]?.kind === 'issued' ? first[winner].coupon.sequence : -1,
      });
    });

    it('decides in a random order, not in arrival order (winners come from the whole opening)', async () => {
      const campaign = await defined(50);
      const users = userIds(200);
      await applyInOpening(campaign, users);

      const answers = await collectAll(campaign, users);

      // Arrival order would grant users 0..49. A uniform draw leaves all 100 of the second half
      // out with probability C(100,50)/C(200,50) < 1e-15.
      const winners = winnersOf(users, answers);
      expect(winners).toHaveLength(50);
      expect(winners.filter((userId) => users.indexOf(userId) >= 100).length).toBeGreaterThan(0);
    });

    it(
      whole
        ? 'never lets a later application overtake the opening: it draws the pool first'
        : "lets a later application take only the spare the sub-ledgers' own draws leave",
      async () => {
        const campaign = await defined(3);
        const users = userIds(3);
        await applyInOpening(campaign, users);

        const late = await ledger.reserve(campaign.id, randomUserId(), DRAW_AT);
        const collected = kinds(await collectAll(campaign, users, at(W + 1)));

        if (whole) {
          expect(late).toEqual({ kind: 'sold-out' });
          expect(collected).toEqual({ issued: 3 });
        } else {
          // Each sub-ledger draws its own collected users first; one its share leaves out then
          // competes with the latecomer for the other sub-ledgers' spare (README, shuffled
          // opening). The cap and one answer each still hold.
          expect(['issued', 'sold-out']).toContain(late.kind);
          const lateGrants = late.kind === 'issued' ? 1 : 0;
          expect((collected.issued ?? 0) + lateGrants).toBe(3);
          expect((collected.issued ?? 0) + (collected['sold-out'] ?? 0)).toBe(3);
        }
      },
    );

    it('still answers everyone it collected when an operator turns the opening off meanwhile', async () => {
      const campaign = await defined(2);
      const users = userIds(3);
      await applyInOpening(campaign, users);
      await ledger.define({ ...campaign, openingShuffleMs: 0 });

      expect(kinds(await collectAll(campaign, users, at(W - 1)))).toEqual({
        issued: 2,
        'sold-out': 1,
      });
    });

    it('answers everyone it collected across a fence and a rebuild of the ledger', async () => {
      const campaign = await defined(2);
      const users = userIds(3);
      await applyInOpening(campaign, users);
      await fixture.recovery.fence(campaign.id);

      expect(kinds(await collectAll(campaign, users))).toEqual({ 'not-ready': 3 });
      await fixture.recovery.restore(campaign, []);
      expect(kinds(await collectAll(campaign, users))).toEqual({ issued: 2, 'sold-out': 1 });
    });

    it('decides first come, first served after the opening, as without one', async () => {
      const campaign = await defined(2);

      const late = [randomUserId(), randomUserId(), randomUserId()];
      const answers = [];
      for (const userId of late) answers.push(await ledger.reserve(campaign.id, userId, DRAW_AT));

      expect(answers.map((answer) => answer.kind)).toEqual(['issued', 'issued', 'sold-out']);
    });

    it('answers each applicant exactly once when every ask comes at the same time', async () => {
      const campaign = await defined(20);
      const users = userIds(60);
      await applyInOpening(campaign, users);
      const latecomers = userIds(20, 'late');

      // Each collected user asks twice at once, while latecomers apply: one draw, nothing twice.
      const [firstAsks, secondAsks, late] = await Promise.all([
        collectAll(campaign, users),
        collectAll(campaign, users),
        Promise.all(latecomers.map((userId) => ledger.reserve(campaign.id, userId, DRAW_AT))),
      ]);

      const grantsPerUser = users.map(
        (_, i) =>
          [firstAsks[i], secondAsks[i]].filter((answer) => answer?.kind === 'issued').length,
      );
      expect(grantsPerUser.filter((grants) => grants > 1)).toEqual([]);
      const pooledGrants = grantsPerUser.reduce((sum, grants) => sum + grants, 0);
      if (whole) {
        expect(pooledGrants).toBe(20);
        expect(kinds(late)).toEqual({ 'sold-out': 20 });
      } else {
        expect(pooledGrants + (kinds(late).issued ?? 0)).toBe(20);
      }
      const outbox = await drain(fixture.outbox, 20);
      expect(outbox).toHaveLength(20);
      expect(new Set(outbox.map((entry) => entry.coupon.userId)).size).toBe(20);
    });
  });
}
