import { describe, expect, it } from 'vitest';
import type { OpenAPIHono } from '@hono/zod-openapi';
import { createCampaignAsAdmin, useRuntimeApps } from '../support/http-runtime.ts';
import { randomCampaignId, userIds } from '../support/mothers.ts';

const ADMIN = 'opening-admin-token-0123';
/** Long enough that every application of a test lands in the opening. */
const W = 1500;

describe('HTTP: the shuffled opening', () => {
  const runtimeApp = useRuntimeApps();
  const env = { ADMIN_TOKEN: ADMIN };

  const admin = (app: OpenAPIHono, path: string, method: string, body: unknown) =>
    app.request(path, {
      method,
      headers: { authorization: `Bearer ${ADMIN}`, 'content-type': 'application/json' },
      body: JSON.stringify(body),
    });
  const fields = async (answer: Response) =>
    ((await answer.json()) as { error: { fields: { field: string }[] } }).error.fields.map(
      (f) => f.field,
    );
  const summary = async (app: OpenAPIHono, id: string) =>
    (await (await app.request(`/campaigns/${id}`)).json()) as Record<string, unknown>;

  it('answers every application of the opening after the draw: the cap exact, one answer each', async () => {
    const { app } = await runtimeApp(env);
    const id = randomCampaignId();
    await createCampaignAsAdmin(app, ADMIN, {
      id,
      name: 'Shuffled drop',
      totalQuantity: 3,
      startsAt: new Date().toISOString(),
      openingShuffleMs: W,
    });
    const users = userIds(10);

    const answers = await Promise.all(
      users.map(async (userId) =>
        app.request(`/campaigns/${id}/issuances`, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify({ userId }),
        }),
      ),
    );

    const statuses = answers.map((answer) => answer.status).sort();
    expect(statuses).toEqual([201, 201, 201, 410, 410, 410, 410, 410, 410, 410]);
    expect(await summary(app, id)).toMatchObject({ issued: 3, openingShuffleMs: W });
    const metrics = await (await app.request('/metrics')).text();
    expect(metrics).toMatch(/^coupon_opening_applicants_total 10$/m);
    expect(metrics).toMatch(/^coupon_opening_batch_size 10$/m);
    // The same figures for the dashboard's tile.
    const stats = (await (await app.request('/stats')).json()) as { openings: unknown };
    expect(stats.openings).toEqual({ applicants: 10, waits: 10, lastBatch: 10 });
  });

  it('takes the opening on create and on a correction, and null turns it off', async () => {
    const { app } = await runtimeApp(env);
    const id = randomCampaignId();
    await createCampaignAsAdmin(app, ADMIN, { id, name: 'Drop', startsAt: '2030-01-01T00:00:00Z' });
    expect((await summary(app, id))['openingShuffleMs']).toBeNull();

    expect(
      (await admin(app, `/admin/campaigns/${id}`, 'PATCH', { openingShuffleMs: 500 })).status,
    ).toBe(200);
    expect((await summary(app, id))['openingShuffleMs']).toBe(500);
    expect(
      (await admin(app, `/admin/campaigns/${id}`, 'PATCH', { openingShuffleMs: null })).status,
    ).toBe(200);
    expect((await summary(app, id))['openingShuffleMs']).toBeNull();
  });

  it('refuses an opening out of range, without startsAt, or outlasting the window with a field-level 400', async () => {
    const { app } = await runtimeApp(env);
    const create = (extra: Record<string, unknown>) =>
      admin(app, '/admin/campaigns', 'POST', { id: randomCampaignId(), name: 'x', ...extra });
    const startsAt = '2030-01-01T00:00:00Z';

    for (const refused of [
      await create({ startsAt, openingShuffleMs: -1 }),
      await create({ startsAt, openingShuffleMs: 60_001 }),
      await create({ startsAt, openingShuffleMs: 1.5 }),
      await create({ openingShuffleMs: 500 }),
      await create({ startsAt, endsAt: '2030-01-01T00:00:00.500Z', openingShuffleMs: 500 }),
    ]) {
      expect(refused.status).toBe(400);
      expect(await fields(refused)).toEqual(['openingShuffleMs']);
    }
    expect((await create({ openingShuffleMs: 0 })).status).toBe(201);
  });
});
