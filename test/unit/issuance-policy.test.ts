import { describe, expect, it } from 'vitest';
import type { Campaign } from '../../src/domain/campaign.ts';
import {
  decide,
  IssuancePolicy,
  type Decision,
  type LedgerState,
} from '../../src/domain/issuance-policy.ts';
import { CampaignMother, userIds } from '../support/mothers.ts';

const startsAt = new Date('2026-11-25T12:00:00.000Z');
const endsAt = new Date('2026-11-25T13:00:00.000Z');
const ms = (date: Date, delta: number) => new Date(date.getTime() + delta);
const during = ms(startsAt, 30 * 60_000);

const windowed = (overrides: Partial<Campaign> = {}) =>
  CampaignMother.open({ totalQuantity: 10, startsAt, endsAt, ...overrides });
const fresh = (issuedCount = 0): LedgerState => ({ alreadyIssued: false, issuedCount });
const holder = (issuedCount: number): LedgerState => ({ alreadyIssued: true, issuedCount });

describe('IssuancePolicy.decide', () => {
  it.each<[string, Campaign, LedgerState, Date, Decision]>([
    // Issued: the next sequence, 1-based, gap-free.
    ['first grant gets sequence 1', windowed(), fresh(0), during, { kind: 'issued', sequence: 1 }],
    [
      'grant after 7 gets sequence 8',
      windowed(),
      fresh(7),
      during,
      { kind: 'issued', sequence: 8 },
    ],
    [
      'last coupon (count = total - 1)',
      windowed(),
      fresh(9),
      during,
      { kind: 'issued', sequence: 10 },
    ],
    [
      'no window at all is always open',
      CampaignMother.open({ totalQuantity: 3 }),
      fresh(2),
      during,
      { kind: 'issued', sequence: 3 },
    ],
    [
      'only startsAt, long after it',
      CampaignMother.open({ totalQuantity: 10, startsAt }),
      fresh(0),
      ms(endsAt, 86_400_000),
      { kind: 'issued', sequence: 1 },
    ],
    [
      'only endsAt, long before it',
      CampaignMother.open({ totalQuantity: 10, endsAt }),
      fresh(0),
      ms(startsAt, -86_400_000),
      { kind: 'issued', sequence: 1 },
    ],
    // Window edges: open at exactly startsAt, closed from exactly endsAt.
    [
      'exactly at startsAt is open',
      windowed(),
      fresh(0),
      startsAt,
      { kind: 'issued', sequence: 1 },
    ],
    [
      '1 ms before endsAt is open',
      windowed(),
      fresh(0),
      ms(endsAt, -1),
      { kind: 'issued', sequence: 1 },
    ],
    [
      '1 ms before startsAt is not open',
      windowed(),
      fresh(0),
      ms(startsAt, -1),
      { kind: 'not-open', opensAt: startsAt },
    ],
    [
      'exactly at endsAt is closed',
      windowed(),
      fresh(0),
      endsAt,
      { kind: 'closed', closedAt: endsAt },
    ],
    [
      'after endsAt is closed',
      windowed(),
      fresh(0),
      ms(endsAt, 1),
      { kind: 'closed', closedAt: endsAt },
    ],
    // Sold out at count == total (and beyond, should a ledger ever hold more).
    ['count == total is sold out', windowed(), fresh(10), during, { kind: 'sold-out' }],
    ['count > total is sold out', windowed(), fresh(11), during, { kind: 'sold-out' }],
    // The window is checked before the stock.
    [
      'sold out but not open yet → not-open',
      windowed(),
      fresh(10),
      ms(startsAt, -1),
      { kind: 'not-open', opensAt: startsAt },
    ],
    [
      'sold out and closed → closed',
      windowed(),
      fresh(10),
      endsAt,
      { kind: 'closed', closedAt: endsAt },
    ],
    // A holder is told so first, whatever else holds.
    ['holder during the window', windowed(), holder(3), during, { kind: 'already-issued' }],
    ['holder after close', windowed(), holder(3), ms(endsAt, 1), { kind: 'already-issued' }],
    ['holder when sold out', windowed(), holder(10), during, { kind: 'already-issued' }],
    [
      'holder before open (restored ledger)',
      windowed(),
      holder(1),
      ms(startsAt, -1),
      { kind: 'already-issued' },
    ],
    ['holder when sold out and closed', windowed(), holder(10), endsAt, { kind: 'already-issued' }],
  ])('%s', (_name, campaign, state, now, expected) => {
    expect(decide(campaign, state, now)).toEqual(expected);
  });

  it('IssuancePolicy.decide is the same function as decide', () => {
    expect(IssuancePolicy.decide).toBe(decide);
  });

  it('carries the campaign instants (not the request time) in not-open and closed', () => {
    const campaign = windowed();
    const early = decide(campaign, fresh(0), ms(startsAt, -5000));
    const late = decide(campaign, fresh(0), ms(endsAt, 5000));
    expect(early.kind === 'not-open' && early.opensAt.getTime()).toBe(startsAt.getTime());
    expect(late.kind === 'closed' && late.closedAt.getTime()).toBe(endsAt.getTime());
  });

  describe('the 999th, 1000th and 1001st request of a 1000-coupon campaign', () => {
    // Fold decide over 1001 distinct users, applying each grant to the state as a ledger would.
    const campaign = CampaignMother.open({ totalQuantity: 1000 });
    const users = userIds(1001);
    const winners = new Set<string>();
    const decisions: Decision[] = [];
    for (const user of users) {
      const decision = decide(
        campaign,
        { alreadyIssued: winners.has(user), issuedCount: winners.size },
        during,
      );
      if (decision.kind === 'issued') winners.add(user);
      decisions.push(decision);
    }

    it.each<[number, Decision]>([
      [999, { kind: 'issued', sequence: 999 }],
      [1000, { kind: 'issued', sequence: 1000 }],
      [1001, { kind: 'sold-out' }],
    ])('request #%i → %o', (nth, expected) => {
      expect(decisions[nth - 1]).toEqual(expected);
    });

    it('grants sequences exactly 1..1000, each once, and nothing after', () => {
      const sequences = decisions.flatMap((d) => (d.kind === 'issued' ? [d.sequence] : []));
      expect(sequences).toEqual(Array.from({ length: 1000 }, (_, i) => i + 1));
      expect(winners.size).toBe(1000);
    });

    it('a winner applying again afterwards is already-issued, not sold-out', () => {
      const [first] = users;
      expect(
        decide(campaign, { alreadyIssued: winners.has(first!), issuedCount: winners.size }, during),
      ).toEqual({ kind: 'already-issued' });
    });
  });
});
