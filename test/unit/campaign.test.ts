import { describe, expect, it } from 'vitest';
import {
  DEFAULT_TOTAL_QUANTITY,
  defineCampaign,
  MAX_TOTAL_QUANTITY,
  PER_USER_LIMIT,
  type CampaignDraft,
} from '../../src/domain/campaign.ts';
import type { FieldProblem } from '../../src/domain/result.ts';
import { randomCampaignId } from '../support/mothers.ts';

const draft = (overrides: Partial<CampaignDraft> = {}): CampaignDraft => ({
  id: randomCampaignId(),
  name: 'Black Friday',
  ...overrides,
});

const problemsOf = (d: CampaignDraft): FieldProblem[] => {
  const result = defineCampaign(d);
  if (result.ok) throw new Error(`expected ${JSON.stringify(d)} to be rejected`);
  return result.problems;
};

describe('defineCampaign', () => {
  it('fills in the defaults: a draft of 1000 coupons, one per user, no window, anyone, not paused', () => {
    const d = draft();
    const result = defineCampaign(d);
    expect(result).toEqual({
      ok: true,
      value: {
        id: d.id,
        name: 'Black Friday',
        totalQuantity: 1000,
        perUserLimit: 1,
        state: 'draft',
      },
    });
    expect(DEFAULT_TOTAL_QUANTITY).toBe(1000);
    expect(PER_USER_LIMIT).toBe(1);
  });

  it('keeps the given quantity and window, and trims the name', () => {
    const startsAt = new Date('2026-11-25T12:00:00Z');
    const endsAt = new Date('2026-11-25T12:00:00.001Z');
    const d = draft({ name: '  Drop  ', totalQuantity: 100, perUserLimit: 1, startsAt, endsAt });
    expect(defineCampaign(d)).toEqual({
      ok: true,
      value: {
        id: d.id,
        name: 'Drop',
        totalQuantity: 100,
        perUserLimit: 1,
        startsAt,
        endsAt,
        state: 'draft',
      },
    });
  });

  it.each([1, 100, MAX_TOTAL_QUANTITY])('accepts totalQuantity %d', (totalQuantity) => {
    const result = defineCampaign(draft({ totalQuantity }));
    expect(result.ok && result.value.totalQuantity).toBe(totalQuantity);
  });

  it.each([0, -1, 1.5, MAX_TOTAL_QUANTITY + 1, Number.NaN, Number.POSITIVE_INFINITY])(
    'rejects totalQuantity %d naming the field',
    (totalQuantity) => {
      expect(problemsOf(draft({ totalQuantity }))).toEqual([
        {
          field: 'totalQuantity',
          message: expect.stringMatching(/whole number from 1 to/) as string,
        },
      ]);
    },
  );

  it.each([0, 2, 5])('rejects perUserLimit %d with a field message', (perUserLimit) => {
    expect(problemsOf(draft({ perUserLimit }))).toEqual([
      { field: 'perUserLimit', message: 'only 1 coupon per user is supported' },
    ]);
  });

  it.each([
    ['equal to startsAt', 0],
    ['before startsAt', -1],
  ])('rejects endsAt %s', (_name, delta) => {
    const startsAt = new Date('2026-11-25T12:00:00Z');
    const endsAt = new Date(startsAt.getTime() + delta);
    expect(problemsOf(draft({ startsAt, endsAt }))).toEqual([
      { field: 'endsAt', message: 'must be after startsAt' },
    ]);
  });

  it.each(['', '   ', '\t\n', 'x'.repeat(201)])('rejects name %j', (name) => {
    expect(problemsOf(draft({ name }))).toEqual([
      { field: 'name', message: 'must be 1-200 characters' },
    ]);
  });

  it('reports every problem at once, one per field', () => {
    const startsAt = new Date('2026-11-25T12:00:00Z');
    const problems = problemsOf(
      draft({ name: ' ', totalQuantity: 0, perUserLimit: 2, startsAt, endsAt: startsAt }),
    );
    expect(problems.map((p) => p.field)).toEqual([
      'name',
      'totalQuantity',
      'perUserLimit',
      'endsAt',
    ]);
  });
});
