import { describe, expect, it } from 'vitest';
import { checkCampaign } from '../../src/domain/campaign.ts';
import { correct } from '../../src/domain/campaign-changes.ts';
import type { CampaignId } from '../../src/domain/ids.ts';
import { drawOrder, inShuffledOpening, openingDrawAt } from '../../src/domain/opening.ts';

const startsAt = new Date('2027-01-01T09:00:00.000Z');
const at = (ms: number) => new Date(startsAt.getTime() + ms);
const rules = { totalQuantity: 10, perUserLimit: 1, startsAt, openingShuffleMs: 500 };

describe('the shuffled opening (domain)', () => {
  it('collects from startsAt up to, not including, startsAt + W', () => {
    expect(openingDrawAt(rules)).toEqual(at(500));
    expect([-1, 0, 499, 500].map((ms) => inShuffledOpening(rules, at(ms)))).toEqual([
      false,
      true,
      true,
      false,
    ]);
    expect(openingDrawAt({ ...rules, openingShuffleMs: 0 })).toBeUndefined();
    expect(inShuffledOpening({ totalQuantity: 1, perUserLimit: 1 }, at(0))).toBe(false);
  });

  it('draws a permutation of the applicants, in the order the random source picks', () => {
    const applicants = ['a', 'b', 'c', 'd'];
    // Always picking 1 moves each last element to the front in turn.
    expect(drawOrder(applicants, () => 1)).toEqual(['b', 'c', 'd', 'a']);
    // Always picking n keeps arrival order: the draw is the random source's, nothing else.
    expect(drawOrder(applicants, (n) => n)).toEqual(applicants);
    expect(applicants).toEqual(['a', 'b', 'c', 'd']);
  });

  it('keeps 0 as "off", and refuses an opening without startsAt or outlasting the window', () => {
    const draft = { id: 'c' as CampaignId, name: 'Drop', startsAt };
    const problems = (extra: object) => {
      const checked = checkCampaign({ ...draft, ...extra });
      return checked.ok ? [] : checked.problems.map((p) => p.field);
    };

    expect(checkCampaign({ ...draft, openingShuffleMs: 0 })).toMatchObject({ ok: true });
    expect(problems({ openingShuffleMs: 0 })).toEqual([]);
    expect(problems({ startsAt: undefined, openingShuffleMs: 500 })).toEqual(['openingShuffleMs']);
    expect(problems({ endsAt: at(500), openingShuffleMs: 500 })).toEqual(['openingShuffleMs']);
    expect(problems({ openingShuffleMs: 60_001 })).toEqual(['openingShuffleMs']);
  });

  it('is set, kept and removed by a correction like every rule', () => {
    const checked = checkCampaign({ id: 'c' as CampaignId, name: 'Drop', startsAt });
    if (!checked.ok) throw new Error('a valid campaign');
    const withOpening = correct(checked.value, { openingShuffleMs: 800 });
    expect(withOpening).toMatchObject({ ok: true, value: { openingShuffleMs: 800 } });
    if (!withOpening.ok) return;
    expect(correct(withOpening.value, { name: 'Renamed' })).toMatchObject({
      value: { openingShuffleMs: 800 },
    });
    const removed = correct(withOpening.value, { openingShuffleMs: null });
    expect(removed.ok && removed.value.openingShuffleMs).toBe(undefined);
    expect(correct(withOpening.value, { startsAt: null })).toMatchObject({ ok: false });
  });
});
