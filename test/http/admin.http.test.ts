import { beforeEach, describe, expect, it } from 'vitest';
import { ADMIN_TOKEN, createHttpFixture, type HttpFixture } from '../support/http-fixture.ts';
import { randomCampaignId, randomUserId } from '../support/mothers.ts';

describe('HTTP: admin routes', () => {
  let f: HttpFixture;

  beforeEach(() => {
    f = createHttpFixture();
  });

  describe('POST /admin/campaigns', () => {
    it('201 with the campaign as a draft and zero counts; applicants see nothing yet', async () => {
      const id = randomCampaignId();
      const startsAt = '2020-01-01T00:00:00.000Z';
      const endsAt = '2999-01-01T00:00:00.000Z';

      const response = await f.admin('POST', '/admin/campaigns', {
        json: { id, name: ' Drop ', totalQuantity: 3, perUserLimit: 1, startsAt, endsAt },
      });

      expect(response.status).toBe(201);
      expect(response.body).toEqual({
        campaignId: id,
        name: 'Drop',
        state: 'draft',
        phase: 'draft',
        paused: false,
        eligibility: { kind: 'anyone' },
        totalQuantity: 3,
        perUserLimit: 1,
        startsAt,
        endsAt,
        openingShuffleMs: null,
        proofOfWorkDifficulty: null,
        issued: 0,
        revoked: 0,
        returned: 0,
        active: 0,
        remaining: 3,
        persisted: 0,
        ledgerReady: true,
      });
      const apply = await f.applyAs(id, randomUserId());
      expect(apply.status).toBe(404);
      expect(apply.body.error?.code).toBe('CAMPAIGN_NOT_FOUND');
      expect((await f.summary(id)).status).toBe(404);
      expect((await f.request('GET', '/campaigns')).body.campaigns).toEqual([]);
    });

    it('defaults to 1000 coupons, one per user', async () => {
      const response = await f.admin('POST', '/admin/campaigns', {
        json: { id: randomCampaignId(), name: 'Default' },
      });
      expect(response.body).toMatchObject({
        totalQuantity: 1000,
        perUserLimit: 1,
        startsAt: null,
        endsAt: null,
      });
    });

    it('accepts a datetime with an offset and normalises it to UTC', async () => {
      const response = await f.admin('POST', '/admin/campaigns', {
        json: { id: randomCampaignId(), name: 'Tokyo', startsAt: '2026-11-25T09:00:00+09:00' },
      });
      expect(response.body.startsAt).toBe('2026-11-25T00:00:00.000Z');
    });

    it('409 CAMPAIGN_EXISTS for a taken id, leaving the first campaign as it was', async () => {
      const id = await f.createCampaign({ totalQuantity: 5 });
      await f.applyAs(id, randomUserId());

      const response = await f.admin('POST', '/admin/campaigns', {
        json: { id, name: 'Again', totalQuantity: 1 },
      });

      expect(response.status).toBe(409);
      expect(response.body.error?.code).toBe('CAMPAIGN_EXISTS');
      expect((await f.summary(id)).body).toMatchObject({
        name: 'Test drop',
        totalQuantity: 5,
        issued: 1,
      });
    });

    it.each<[string, Record<string, unknown>, string]>([
      ['perUserLimit 2', { perUserLimit: 2 }, 'perUserLimit'],
      ['totalQuantity 0', { totalQuantity: 0 }, 'totalQuantity'],
      ['totalQuantity -1', { totalQuantity: -1 }, 'totalQuantity'],
      ['totalQuantity 1.5', { totalQuantity: 1.5 }, 'totalQuantity'],
      ['totalQuantity above the maximum', { totalQuantity: 100_000_001 }, 'totalQuantity'],
      ['totalQuantity as a string', { totalQuantity: '100' }, 'totalQuantity'],
      ['a blank name', { name: '   ' }, 'name'],
      ['an empty name', { name: '' }, 'name'],
      [
        'endsAt equal to startsAt',
        { startsAt: '2026-01-01T00:00:00Z', endsAt: '2026-01-01T00:00:00Z' },
        'endsAt',
      ],
      [
        'endsAt before startsAt',
        { startsAt: '2026-01-02T00:00:00Z', endsAt: '2026-01-01T00:00:00Z' },
        'endsAt',
      ],
      ['a datetime without offset', { startsAt: '2026-01-01T00:00:00' }, 'startsAt'],
      ['an impossible date', { startsAt: '2026-02-30T00:00:00Z' }, 'startsAt'],
      ['an id with uppercase', { id: 'Drop' }, 'id'],
      ['an id of 65 characters', { id: 'a'.repeat(65) }, 'id'],
      ['an unknown field', { color: 'red' }, 'color'],
    ])(
      '400 VALIDATION_FAILED for %s, naming the field, creating nothing',
      async (_name, patch, field) => {
        const id = randomCampaignId();

        const response = await f.admin('POST', '/admin/campaigns', {
          json: { id, name: 'Drop', ...patch },
        });

        expect(response.status).toBe(400);
        expect(response.body.error?.code).toBe('VALIDATION_FAILED');
        expect(response.body.error?.fields).toEqual(
          expect.arrayContaining([{ field, message: expect.any(String) as string }]),
        );
        expect((await f.admin('GET', '/admin/campaigns')).body.campaigns).toEqual([]);
        expect(f.logger.at('error')).toEqual([]);
      },
    );

    it('creates the draft while the ledger is down: a draft is not in the ledger', async () => {
      f.ledger.goDown();
      const response = await f.admin('POST', '/admin/campaigns', {
        json: { id: randomCampaignId(), name: 'Drop' },
      });
      expect(response.status).toBe(201);
      expect(response.body).toMatchObject({ state: 'draft', ledgerReady: true });
    });
  });

  describe('GET /admin/campaigns and /admin/campaigns/:campaignId', () => {
    it('lists every campaign with live counts', async () => {
      const a = await f.createCampaign({ totalQuantity: 2 });
      const b = await f.createCampaign({ totalQuantity: 3 });
      await f.applyAs(b, randomUserId());

      const response = await f.admin('GET', '/admin/campaigns');

      expect(response.status).toBe(200);
      const byId = Object.fromEntries(
        (response.body.campaigns as { campaignId: string }[]).map((c) => [c.campaignId, c]),
      );
      expect(Object.keys(byId).sort()).toEqual([a, b].sort());
      expect(byId[a]).toMatchObject({ totalQuantity: 2, issued: 0, remaining: 2 });
      expect(byId[b]).toMatchObject({ totalQuantity: 3, issued: 1, remaining: 2 });
    });

    it('reads one campaign', async () => {
      const id = await f.createCampaign({ totalQuantity: 4 });
      const response = await f.admin('GET', `/admin/campaigns/${id}`);
      expect(response.status).toBe(200);
      expect(response.body).toMatchObject({
        campaignId: id,
        totalQuantity: 4,
        issued: 0,
        ledgerReady: true,
      });
    });

    it('404 CAMPAIGN_NOT_FOUND for an unknown campaign', async () => {
      const response = await f.admin('GET', `/admin/campaigns/${randomCampaignId()}`);
      expect(response.status).toBe(404);
      expect(response.body.error?.code).toBe('CAMPAIGN_NOT_FOUND');
    });

    it('400 for a bad campaign id, naming it', async () => {
      const response = await f.admin('GET', '/admin/campaigns/NOPE');
      expect(response.status).toBe(400);
      expect(response.body.error?.fields).toEqual([
        { field: 'campaignId', message: expect.any(String) as string },
      ]);
    });
  });

  describe('authentication', () => {
    const routes: [string, string, unknown][] = [
      ['POST', '/admin/campaigns', { id: 'would-be', name: 'x' }],
      ['GET', '/admin/campaigns', undefined],
      ['GET', '/admin/campaigns/anything', undefined],
    ];

    it.each(routes)('401 for %s %s without a token', async (method, path, json) => {
      const response = await f.request(method, path, json === undefined ? {} : { json });

      expect(response.status).toBe(401);
      expect(response.headers.get('www-authenticate')).toMatch(/^Bearer/);
      expect(response.body.error?.code).toBe('UNAUTHORIZED');
    });

    it.each(routes)('401 for %s %s with a wrong token', async (method, path, json) => {
      const response = await f.request(method, path, {
        ...(json === undefined ? {} : { json }),
        headers: { authorization: `Bearer ${ADMIN_TOKEN}x` },
      });
      expect(response.status).toBe(401);
      expect(response.body.error?.code).toBe('UNAUTHORIZED');
    });

    it.each([
      ['another scheme', `Basic ${ADMIN_TOKEN}`],
      ['no scheme', ADMIN_TOKEN],
      ['a prefix of the token', `Bearer ${ADMIN_TOKEN.slice(0, -1)}`],
      ['an empty bearer', 'Bearer '],
    ])('401 with %s', async (_name, authorization) => {
      const response = await f.request('GET', '/admin/campaigns', { headers: { authorization } });
      expect(response.status).toBe(401);
    });

    it('creates nothing when refused', async () => {
      const id = randomCampaignId();
      await f.request('POST', '/admin/campaigns', { json: { id, name: 'x' } });
      expect((await f.summary(id)).status).toBe(404);
    });
  });

  describe('without ADMIN_TOKEN', () => {
    it.each([
      ['POST', '/admin/campaigns'],
      ['GET', '/admin/campaigns'],
      ['GET', '/admin/campaigns/anything'],
      ['GET', '/admin'],
      ['DELETE', '/admin/campaigns/anything'],
    ])(
      '%s %s is 404 ADMIN_DISABLED naming ADMIN_TOKEN, even with a token',
      async (method, path) => {
        const noAdmin = createHttpFixture({ adminToken: null });

        const response = await noAdmin.request(method, path, {
          ...(method === 'POST' ? { json: { id: randomCampaignId(), name: 'x' } } : {}),
          headers: { authorization: `Bearer ${ADMIN_TOKEN}` },
        });

        expect(response.status).toBe(404);
        expect(response.body.error?.code).toBe('ADMIN_DISABLED');
        expect(response.body.error?.message).toContain('ADMIN_TOKEN');
        expect(await noAdmin.campaigns.list()).toEqual([]);
      },
    );

    it('says so before looking at the body (a wrong media type is not the problem)', async () => {
      const noAdmin = createHttpFixture({ adminToken: null });
      const response = await noAdmin.request('POST', '/admin/campaigns', {
        raw: 'id=x',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
      });
      expect(response.status).toBe(404);
      expect(response.body.error?.code).toBe('ADMIN_DISABLED');
    });

    it('leaves other unknown paths a plain 404 NOT_FOUND', async () => {
      const noAdmin = createHttpFixture({ adminToken: null });
      const response = await noAdmin.request('GET', '/administrator');
      expect(response.body.error?.code).toBe('NOT_FOUND');
    });
  });
});
