import { describe, expect, it } from 'vitest';
import { useRuntimeApps } from '../support/http-runtime.ts';
import { createHttpFixture } from '../support/http-fixture.ts';
import { randomCampaignId } from '../support/mothers.ts';

const f = createHttpFixture();

/** POST /admin/campaigns with `fields` on top of a valid id and name; returns the 400's fields. */
async function problemsOf(fields: Record<string, unknown>): Promise<unknown> {
  const response = await f.admin('POST', '/admin/campaigns', {
    json: { id: randomCampaignId(), name: 'Drop', ...fields },
  });
  expect(response.status).toBe(400);
  expect(response.body.error?.code).toBe('VALIDATION_FAILED');
  return response.body.error?.fields;
}

const QUANTITY = 'must be a whole number from 1 to 100000000';
const NAME = 'must be 1-200 characters, not only spaces';
const DATE_TIME = 'must be an ISO-8601 date-time with an offset, e.g. 2027-01-01T00:00:00Z';

describe('HTTP: one validation message per field, in our words', () => {
  it.each([
    ['a date-time without an offset', { startsAt: '2027-01-01T00:00:00' }, 'startsAt', DATE_TIME],
    ['an impossible month', { endsAt: '2027-13-01T00:00:00Z' }, 'endsAt', DATE_TIME],
    ['a date as a number', { startsAt: 1_800_000_000 }, 'startsAt', DATE_TIME],
    ['perUserLimit 2', { perUserLimit: 2 }, 'perUserLimit', 'only 1 coupon per user is supported'],
    ['1e308 coupons', { totalQuantity: 1e308 }, 'totalQuantity', QUANTITY],
    ['-1e308 coupons', { totalQuantity: -1e308 }, 'totalQuantity', QUANTITY],
    ['1.5 coupons', { totalQuantity: 1.5 }, 'totalQuantity', QUANTITY],
    ['0 coupons', { totalQuantity: 0 }, 'totalQuantity', QUANTITY],
    ['"5" coupons', { totalQuantity: '5' }, 'totalQuantity', QUANTITY],
    ['an empty name', { name: '' }, 'name', NAME],
    ['a name of spaces', { name: '   ' }, 'name', NAME],
    ['a name of 201 characters', { name: 'n'.repeat(201) }, 'name', NAME],
    ['a name as a number', { name: 5 }, 'name', NAME],
    [
      'an id with capitals',
      { id: 'Black-Friday' },
      'id',
      'must be 1-64 characters of a-z, 0-9 and -',
    ],
  ])('%s: one problem, the rule stated', async (_case, fields, field, message) => {
    expect(await problemsOf(fields)).toEqual([{ field, message }]);
  });

  it('a missing field "is required"', async () => {
    const response = await f.admin('POST', '/admin/campaigns', { json: { name: 'Drop' } });
    expect(response.body.error?.fields).toEqual([{ field: 'id', message: 'is required' }]);
  });

  it('a body that is not an object says so', async () => {
    const response = await f.admin('POST', '/admin/campaigns', { json: [1, 2] });
    expect(response.body.error?.fields).toEqual([
      { field: 'body', message: 'must be a JSON object' },
    ]);
  });

  it('several bad fields: each named once', async () => {
    const problems = await problemsOf({ name: '', totalQuantity: 1e308, perUserLimit: 2 });
    expect(problems).toEqual([
      { field: 'name', message: NAME },
      { field: 'totalQuantity', message: QUANTITY },
      { field: 'perUserLimit', message: 'only 1 coupon per user is supported' },
    ]);
  });

  it('the apply body speaks the same way', async () => {
    const id = await f.createCampaign();
    for (const userId of [42, null, ['a'], '']) {
      const response = await f.apply(id, { userId });
      expect(response.body.error?.fields).toEqual([
        { field: 'userId', message: 'must be 1-64 characters of A-Z, a-z, 0-9, _ . : and -' },
      ]);
    }
  });

  it('endsAt equal to startsAt is refused on endsAt, as the schema says', async () => {
    const at = '2027-01-01T00:00:00Z';
    expect(await problemsOf({ startsAt: at, endsAt: at })).toEqual([
      { field: 'endsAt', message: 'must be after startsAt' },
    ]);
  });
});

describe('OpenAPI: the rules and defaults a client cannot see otherwise', () => {
  const runtimeApp = useRuntimeApps();

  it('declares the defaults and the cross-field rule of CreateCampaign', async () => {
    const { app } = await runtimeApp({ ADMIN_TOKEN: 'validation-admin-token-0123' });
    const doc = (await (await app.request('/openapi.json')).json()) as {
      components: {
        schemas: Record<
          string,
          { description?: string; properties: Record<string, Record<string, unknown>> }
        >;
      };
    };
    const create = doc.components.schemas['CreateCampaign']!;
    expect(create.properties['totalQuantity']).toMatchObject({
      default: 1000,
      maximum: 100_000_000,
    });
    expect(create.properties['perUserLimit']).toMatchObject({ default: 1 });
    expect(create.properties['startsAt']!['description']).toContain('offset');
    expect(create.description).toContain('endsAt == startsAt is refused');
    // The examples a fuzzer starts from satisfy the rule.
    const { startsAt, endsAt } = create.properties as Record<string, { example: string }>;
    expect(Date.parse(endsAt!.example)).toBeGreaterThan(Date.parse(startsAt!.example));
  });
});
