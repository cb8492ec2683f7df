import { beforeEach, describe, expect, it } from 'vitest';
import type { UserId } from '../../src/domain/ids.ts';
import { ADMIN_TOKEN, createHttpFixture, type HttpFixture } from '../support/http-fixture.ts';
import { randomCampaignId, randomUserId, userIds } from '../support/mothers.ts';

const HOUR = 3_600_000;
const iso = (offsetMs: number) => new Date(Date.now() + offsetMs).toISOString();

describe('HTTP: operator controls', () => {
  let f: HttpFixture;

  beforeEach(() => {
    f = createHttpFixture({ adminTokens: { mina: 'mina-token-0123456789' } });
  });

  const draft = async (body: Record<string, unknown> = {}) => {
    const id = randomCampaignId();
    const created = await f.admin('POST', '/admin/campaigns', {
      json: { id, name: 'Operated drop', totalQuantity: 5, ...body },
    });
    expect(created.status).toBe(201);
    return id;
  };
  const path = (id: string, rest = '') => `/admin/campaigns/${id}${rest}`;

  describe('preview and publish', () => {
    it('previews the window in the operator zone, with the warnings that apply', async () => {
      const id = await draft({ startsAt: '2099-01-01T09:00:00Z', endsAt: '2099-01-01T11:30:00Z' });

      const preview = await f.admin('GET', path(id, '/preview?timeZone=Asia/Seoul'));

      expect(preview.status).toBe(200);
      expect(preview.body.timeZone).toBe('Asia/Seoul');
      expect(preview.body.window).toEqual({
        opens: '2099-01-01 18:00:00 GMT+09:00',
        closes: '2099-01-01 20:30:00 GMT+09:00',
        lasts: '2 h 30 min',
      });
      expect(preview.body.warnings?.map((w) => w.code)).toEqual(['NO_ELIGIBILITY']);
      expect(preview.body.campaign).toMatchObject({ state: 'draft', phase: 'draft' });
    });

    it('400 naming timeZone for a zone that does not exist', async () => {
      const id = await draft();
      const preview = await f.admin('GET', path(id, '/preview?timeZone=Mars/Olympus'));
      expect(preview.status).toBe(400);
      expect(preview.body.error?.fields).toEqual([
        {
          field: 'timeZone',
          message: 'must be an IANA time zone, e.g. Europe/Berlin or Asia/Seoul',
        },
      ]);
    });

    it('422 until every warning is acknowledged; then live, and 409 the second time', async () => {
      const id = await draft();
      const user = randomUserId();

      const refused = await f.admin('POST', path(id, '/publish'), {
        json: { acknowledge: ['NO_ELIGIBILITY'] },
      });
      expect(refused.status).toBe(422);
      expect(refused.body.error?.code).toBe('UNACKNOWLEDGED_WARNINGS');
      expect(refused.body.warnings?.map((w) => w.code)).toEqual(['WINDOW_ALREADY_OPEN']);
      expect((await f.applyAs(id, user)).status).toBe(404);

      const published = await f.admin('POST', path(id, '/publish'), {
        json: { acknowledge: ['WINDOW_ALREADY_OPEN', 'NO_ELIGIBILITY'] },
      });
      expect(published.status).toBe(200);
      expect(published.body).toMatchObject({ state: 'published', phase: 'live' });
      expect((await f.applyAs(id, user)).status).toBe(201);

      const again = await f.admin('POST', path(id, '/publish'), { json: { acknowledge: [] } });
      expect(again.status).toBe(409);
      expect(again.body.error?.code).toBe('ALREADY_PUBLISHED');
    });

    it('400 naming the code for an acknowledgement that is no warning', async () => {
      const id = await draft();
      const refused = await f.admin('POST', path(id, '/publish'), {
        json: { acknowledge: ['ALL_GOOD'] },
      });
      expect(refused.status).toBe(400);
      expect(refused.body.error?.fields?.[0]?.field).toBe('acknowledge.0');
    });
  });

  describe('pause, resume, end and corrections', () => {
    it('pause answers 503 CAMPAIGN_PAUSED with Retry-After; resume grants again', async () => {
      const id = await f.createCampaign({ totalQuantity: 3 });

      const paused = await f.admin('POST', path(id, '/pause'));
      expect(paused.status).toBe(200);
      expect(paused.body).toMatchObject({ phase: 'paused', paused: true });
      const refused = await f.applyAs(id, randomUserId());
      expect(refused.status).toBe(503);
      expect(refused.headers.get('retry-after')).toBe('5');
      expect(refused.body.error?.code).toBe('CAMPAIGN_PAUSED');
      expect((await f.summary(id)).body).toMatchObject({ phase: 'paused', issued: 0 });

      expect((await f.admin('POST', path(id, '/resume'))).body.phase).toBe('live');
      expect((await f.applyAs(id, randomUserId())).status).toBe(201);
    });

    it('end: every later application is CLOSED; a campaign that had not opened is closed too', async () => {
      const later = await f.createCampaign({ startsAt: iso(HOUR) });

      const ended = await f.admin('POST', path(later, '/end'), { json: { reason: 'cancelled' } });

      expect(ended.status).toBe(200);
      expect(ended.body.phase).toBe('ended');
      const apply = await f.applyAs(later, randomUserId());
      expect(apply.status).toBe(403);
      expect(apply.body.error?.code).toBe('CLOSED');
    });

    it('a lower cap is in force at once; below what was issued it is 409 BELOW_ISSUED', async () => {
      const id = await f.createCampaign({ totalQuantity: 10 });
      for (const user of userIds(4)) await f.applyAs(id, user);

      const refused = await f.admin('PATCH', path(id), { json: { totalQuantity: 3 } });
      expect(refused.status).toBe(409);
      expect(refused.body).toMatchObject({ error: { code: 'BELOW_ISSUED' }, consumed: 4 });
      expect(refused.body.error?.fields).toEqual([
        { field: 'totalQuantity', message: 'must be at least 4' },
      ]);

      const lowered = await f.admin('PATCH', path(id), { json: { totalQuantity: 5 } });
      expect(lowered.body).toMatchObject({ totalQuantity: 5, remaining: 1 });
      expect((await f.applyAs(id, randomUserId())).status).toBe(201);
      expect((await f.applyAs(id, randomUserId())).status).toBe(410);
    });

    it('400 with field messages for a correction that breaks the rules, changing nothing', async () => {
      const id = await f.createCampaign({ startsAt: iso(-HOUR) });

      const bad = await f.admin('PATCH', path(id), { json: { endsAt: iso(-2 * HOUR) } });
      expect(bad.status).toBe(400);
      expect(bad.body.error?.fields).toEqual([
        { field: 'endsAt', message: 'must be after startsAt' },
      ]);
      const unknown = await f.admin('PATCH', path(id), { json: { colour: 'red' } });
      expect(unknown.body.error?.fields).toEqual([
        { field: 'colour', message: 'is not a known field' },
      ]);
      expect((await f.summary(id)).body.endsAt).toBeNull();
    });

    it('404 CAMPAIGN_NOT_FOUND for each action on an unknown campaign', async () => {
      const id = randomCampaignId();
      for (const [method, suffix] of [
        ['POST', '/pause'],
        ['POST', '/resume'],
        ['POST', '/end'],
        ['POST', '/publish'],
        ['GET', '/preview'],
      ] as const) {
        const answer = await f.admin(method, path(id, suffix));
        expect(answer.status, suffix).toBe(404);
      }
      const patched = await f.admin('PATCH', path(id), { json: { name: 'x' } });
      expect(patched.status).toBe(404);
    });
  });

  describe('allowlist and segments', () => {
    it('uploads in idempotent batches, pages the list, and only listed users win', async () => {
      const id = await draft({ eligibility: { kind: 'allowlist' } });
      const listed = userIds(3);

      expect(
        (await f.admin('POST', path(id, '/allowlist'), { json: { userIds: listed } })).body,
      ).toMatchObject({ changed: 3, size: 3 });
      expect(
        (await f.admin('POST', path(id, '/allowlist'), { json: { userIds: listed } })).body,
      ).toMatchObject({ changed: 0, size: 3 });
      const page = await f.admin('GET', path(id, '/allowlist?limit=2'));
      expect(page.body.userIds).toEqual([...listed].sort().slice(0, 2));
      expect(page.body.next).toBe([...listed].sort()[1]);

      await f.admin('POST', path(id, '/publish'), {
        json: { acknowledge: ['WINDOW_ALREADY_OPEN'] },
      });
      expect((await f.applyAs(id, listed[0]!)).status).toBe(201);
      const outsider = await f.applyAs(id, randomUserId());
      expect(outsider.status).toBe(403);
      expect(outsider.body.error?.code).toBe('NOT_ELIGIBLE');

      await f.admin('POST', path(id, '/allowlist/remove'), { json: { userIds: [listed[1]] } });
      expect((await f.applyAs(id, listed[1]!)).body.error?.code).toBe('NOT_ELIGIBLE');
      expect((await f.applyAs(id, listed[2]!)).status).toBe(201);
    });

    it('400 naming the entry for a bad user id; 400 for more than 100,000 ids', async () => {
      const id = await draft();
      const bad = await f.admin('POST', path(id, '/allowlist'), {
        json: { userIds: ['fine', 'not fine!'] },
      });
      expect(bad.status).toBe(400);
      expect(bad.body.error?.fields?.[0]?.field).toBe('userIds.1');

      const many = Array.from({ length: 100_001 }, (_, i) => `u${i}`);
      const tooMany = await f.admin('POST', path(id, '/allowlist'), { json: { userIds: many } });
      expect(tooMany.status).toBe(400);
      expect(tooMany.body.error?.fields).toEqual([
        { field: 'userIds', message: 'must list at most 100000 users' },
      ]);
    });

    it('a segment campaign is for token holders: in body mode nobody carries a segment', async () => {
      const id = await f.createCampaign({ eligibility: { kind: 'segment', segment: 'vip' } });
      expect((await f.applyAs(id, randomUserId())).body.error?.code).toBe('NOT_ELIGIBLE');
      expect((await f.summary(id)).body.eligibility).toEqual({ kind: 'segment', segment: 'vip' });
    });
  });

  describe('revocations and the export', () => {
    it('revokes once (the status says REVOKED), returns the unit, and says NOT_A_WINNER for others', async () => {
      const id = await f.createCampaign({ totalQuantity: 1 });
      const holder = randomUserId();
      await f.applyAs(id, holder);
      expect((await f.applyAs(id, randomUserId())).status).toBe(410);

      const revoked = await f.admin('POST', path(id, `/coupons/${holder}/revoke`), {
        json: { returnToStock: true, reason: 'fraud' },
      });
      expect(revoked.status).toBe(200);
      expect(revoked.body).toMatchObject({ status: 'REVOKED', sequence: 1, returned: true });
      const again = await f.admin('POST', path(id, `/coupons/${holder}/revoke`));
      expect(again.body.status).toBe('ALREADY_REVOKED');

      expect((await f.status(id, holder)).body).toMatchObject({
        status: 'REVOKED',
        returned: true,
      });
      const retry = await f.applyAs(id, holder);
      expect(retry.status).toBe(409);
      expect(retry.body.revokedAt).toBe(revoked.body.revokedAt);
      expect((await f.applyAs(id, randomUserId())).body.sequence).toBe(2);

      const other = await f.admin('POST', path(id, `/coupons/${randomUserId()}/revoke`));
      expect(other.status).toBe(404);
      expect(other.body.error?.code).toBe('NOT_A_WINNER');
    });

    it('exports the winners as CSV, revocations included', async () => {
      const id = await f.createCampaign({ totalQuantity: 5 });
      const [a, b] = userIds(2) as [UserId, UserId];
      await f.applyAs(id, a);
      await f.applyAs(id, b);
      await f.admin('POST', path(id, `/coupons/${b}/revoke`));
      await f.persistAll();

      const response = await f.app.request(path(id, '/coupons'), {
        headers: { authorization: `Bearer ${ADMIN_TOKEN}` },
      });

      expect(response.status).toBe(200);
      expect(response.headers.get('content-type')).toBe('text/csv; charset=utf-8');
      const lines = (await response.text()).trim().split('\n');
      expect(lines[0]).toBe('campaign_id,user_id,sequence,issued_at,revoked_at,returned');
      expect(lines[1]).toMatch(new RegExp(`^${id},${a},1,[^,]+Z,,$`));
      expect(lines[2]).toMatch(new RegExp(`^${id},${b},2,[^,]+Z,[^,]+Z,false$`));
    });
  });

  describe('the audit trail', () => {
    it('says who did what and why, only what changed, newest first, in pages', async () => {
      const id = await f.createCampaign({ totalQuantity: 5 });
      await f.request('POST', path(id, '/pause'), {
        headers: { authorization: 'Bearer mina-token-0123456789' },
        json: { reason: 'suspicious traffic' },
      });

      const first = await f.admin('GET', `/admin/audit?campaignId=${id}&limit=2`);
      expect(first.body.entries?.map((e) => [e.actor, e.action])).toEqual([
        ['mina', 'pause'],
        ['admin', 'publish'],
      ]);
      expect(first.body.entries?.[0]).toMatchObject({
        reason: 'suspicious traffic',
        before: { paused: false },
        after: { paused: true },
      });
      const older = await f.admin('GET', `/admin/audit?campaignId=${id}&before=${first.body.next}`);
      expect(older.body.entries?.map((e) => e.action)).toEqual(['create']);
      expect(older.body.next).toBeNull();
    });

    it('400 naming the parameter for a bad cursor or limit', async () => {
      const answer = await f.admin('GET', '/admin/audit?before=abc&limit=0');
      expect(answer.status).toBe(400);
      expect(answer.body.error?.fields?.map((p) => p.field).sort()).toEqual(['before', 'limit']);
    });
  });

  it.each([
    ['POST', '/publish'],
    ['POST', '/pause'],
    ['GET', '/preview'],
    ['GET', '/allowlist'],
    ['GET', '/coupons'],
  ])('401 for %s …%s without a token', async (method, suffix) => {
    const answer = await f.app.request(path(randomCampaignId(), suffix), { method });
    expect(answer.status).toBe(401);
  });
});
