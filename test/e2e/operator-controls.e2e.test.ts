import { describe, expect, it } from 'vitest';
import type { E2eProcess } from '../support/e2e-harness.ts';
import { useE2eSystem } from '../support/e2e-harness.ts';
import { faultScenario, FaultScenario, expectAnsweredAmong } from '../support/fault-scenario.ts';
import { randomCampaignId } from '../support/mothers.ts';
import { waitFor } from '../support/e2e-wait.ts';

/**
 * Issue 23: what the people who run a drop do to it while it runs, on the real api and consumer
 * processes over real Redis, Kafka and MariaDB, each judged from MySQL and Redis themselves (and
 * from the answers the users were given): a pause and a lower cap mid-stampede, revocations that
 * return their unit, an allowlisted drop, and a ledger lost after all of it.
 */
describe('e2e: operator controls on the real processes', () => {
  const system = useE2eSystem();

  interface AdminAnswer {
    readonly status: number;
    readonly body: Record<string, unknown> & { error?: { code: string } };
  }

  const admin = async (
    api: E2eProcess,
    method: string,
    path: string,
    body?: unknown,
  ): Promise<AdminAnswer> => {
    const response = await fetch(`${api.url}${path}`, {
      method,
      headers: {
        authorization: `Bearer ${system.adminToken}`,
        ...(body === undefined ? {} : { 'content-type': 'application/json' }),
      },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
    return { status: response.status, body: (await response.json()) as AdminAnswer['body'] };
  };

  const applyOnce = async (api: E2eProcess, campaignId: string, userId: string) => {
    const response = await fetch(`${api.url}/campaigns/${campaignId}/issuances`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ userId }),
    });
    return { status: response.status, body: (await response.json()) as AdminAnswer['body'] };
  };

  it('pause mid-stampede: nothing is granted from the pause on; resumed, the cap is exact', async () => {
    const scenario = await faultScenario(system, { total: 1500 });
    const { api, campaignId } = scenario;
    let countAtPause: number | null = null;

    const before = await scenario.fire(scenario.crowd('a', 3000), {
      strike: {
        after: 300,
        run: async () => {
          const paused = await admin(api, 'POST', `/admin/campaigns/${campaignId}/pause`, {
            reason: 'e2e: a pricing mistake',
          });
          expect(paused.status).toBe(200);
          expect(paused.body).toMatchObject({ phase: 'paused', paused: true });
          // The pause is in force once answered: the ledger's count is frozen from here on.
          countAtPause = (await system.probes.ledger(campaignId)).count;
        },
      },
    });
    expectAnsweredAmong(before, ['CAMPAIGN_PAUSED']);
    expect(countAtPause).toBeLessThan(1500);
    expect(before.count('CAMPAIGN_PAUSED')).toBeGreaterThan(0);

    const whilePaused = await scenario.fire(scenario.crowd('b', 500));
    expect(whilePaused.summary()).toBe('CAMPAIGN_PAUSED=500');
    expect((await system.probes.ledger(campaignId)).count).toBe(countAtPause);

    expect((await admin(api, 'POST', `/admin/campaigns/${campaignId}/resume`)).status).toBe(200);
    const after = await scenario.fire(scenario.users('c', 4000, 2000));
    expectAnsweredAmong(after, []);

    const audit = await admin(api, 'GET', `/admin/audit?campaignId=${campaignId}`);
    expect((audit.body['entries'] as { action: string }[]).map((entry) => entry.action)).toEqual([
      'resume',
      'pause',
      'publish',
      'create',
    ]);
    await scenario.conclude('pause mid-stampede', {
      countAtPause: countAtPause ?? -1,
      pausedAnswers: before.count('CAMPAIGN_PAUSED') + whilePaused.count('CAMPAIGN_PAUSED'),
    });
  });

  it('a lower cap mid-stampede: exactly the new cap goes out, every 201 a row', async () => {
    const scenario = await faultScenario(system, { total: 1000 });
    const { api, campaignId } = scenario;
    let corrected: AdminAnswer | undefined;

    const outcome = await scenario.fire(scenario.users('a', 4000, 3000), {
      strike: {
        after: 150,
        run: async () => {
          corrected = await admin(api, 'PATCH', `/admin/campaigns/${campaignId}`, {
            totalQuantity: 600,
            reason: 'e2e: half the stock is damaged',
          });
        },
      },
    });
    expectAnsweredAmong(outcome, []);
    expect(corrected?.status).toBe(200);
    expect(outcome.count('ISSUED')).toBe(600);

    const refused = await admin(api, 'PATCH', `/admin/campaigns/${campaignId}`, {
      totalQuantity: 599,
    });
    expect(refused.status).toBe(409);
    expect(refused.body).toMatchObject({ error: { code: 'BELOW_ISSUED' }, consumed: 600 });
    await scenario.conclude('lower cap mid-stampede', { newCap: 600 }, { cap: 600 });
  });

  it('revocations that return their unit mid-stampede: each unit granted exactly once more', async () => {
    const total = 500;
    const revoked = 40;
    const scenario = await faultScenario(system, { total });
    const { api, campaignId } = scenario;
    const winners: string[] = [];
    const revocations: AdminAnswer[] = [];

    const outcome = await scenario.fire(scenario.users('a', 3000, 2000), {
      onAnswer: (_, answer) => {
        if (answer.status === 201) winners.push(answer.userId);
      },
      strike: {
        after: 400,
        run: async () => {
          for (const userId of winners.slice(0, revoked)) {
            revocations.push(
              await admin(api, 'POST', `/admin/campaigns/${campaignId}/coupons/${userId}/revoke`, {
                returnToStock: true,
                reason: 'e2e: fraud ring',
              }),
            );
          }
        },
      },
    });
    expectAnsweredAmong(outcome, []);
    expect(revocations.map((answer) => answer.body['status'])).toEqual(
      Array.from({ length: revoked }, () => 'REVOKED'),
    );
    // The stampede may end before every returned unit found its taker: latecomers take the rest.
    const latecomers = await scenario.fire(scenario.crowd('b', 300));
    expect(outcome.count('ISSUED') + latecomers.count('ISSUED')).toBe(total + revoked);
    expect(latecomers.count('SOLD_OUT')).toBeGreaterThan(0);

    // The revocations reach MySQL through the outbox, like the grants: rows are marked, never deleted.
    await waitFor('the revoked rows', async () =>
      (await system.probes.revokedRows(campaignId)).size === revoked ? true : undefined,
    );
    const marked = await system.probes.revokedRows(campaignId);
    expect([...marked.keys()].sort()).toEqual(winners.slice(0, revoked).sort());
    expect([...marked.values()].every(Boolean)).toBe(true);

    const holder = winners[0]!;
    const status = await fetch(`${api.url}/campaigns/${campaignId}/issuances/${holder}`);
    expect(await status.json()).toMatchObject({ status: 'REVOKED', returned: true });
    const again = await applyOnce(api, campaignId, holder);
    expect(again.status).toBe(409);
    expect(again.body).toMatchObject({ status: 'ALREADY_ISSUED', returned: true });
    const summary = await admin(api, 'GET', `/admin/campaigns/${campaignId}`);
    expect(summary.body).toMatchObject({
      issued: total + revoked,
      revoked,
      returned: revoked,
      active: total,
      remaining: 0,
    });
    await scenario.conclude(
      'revoke and return mid-stampede',
      { revoked },
      { cap: total + revoked },
    );
  });

  it('an allowlisted drop: uploaded in batches before publication, only listed users win', async () => {
    const api = await system.startApi();
    const consumer = await system.startConsumer();
    const campaignId = randomCampaignId('e2e');
    const listed = Array.from({ length: 300 }, (_, i) => `${campaignId}-listed-${i}`);
    const created = await admin(api, 'POST', '/admin/campaigns', {
      id: campaignId,
      name: 'Members only',
      totalQuantity: 1000,
      eligibility: { kind: 'allowlist' },
    });
    expect(created.status).toBe(201);
    system.track(campaignId);
    const path = `/admin/campaigns/${campaignId}`;
    expect(
      (await admin(api, 'POST', `${path}/allowlist`, { userIds: listed.slice(0, 200) })).body,
    ).toMatchObject({ changed: 200, size: 200 });
    expect(
      (await admin(api, 'POST', `${path}/allowlist`, { userIds: listed.slice(100) })).body,
    ).toMatchObject({ changed: 100, size: 300 });
    const preview = await admin(api, 'GET', `${path}/preview`);
    const warnings = (preview.body['warnings'] as { code: string }[]).map((w) => w.code);
    expect(warnings).toEqual(['WINDOW_ALREADY_OPEN']);
    expect((await admin(api, 'POST', `${path}/publish`)).status).toBe(422);
    expect((await admin(api, 'POST', `${path}/publish`, { acknowledge: warnings })).status).toBe(
      200,
    );

    const scenario = new FaultScenario(system, api, consumer, campaignId, 1000);
    const outsiders = Array.from({ length: 300 }, (_, i) => `${campaignId}-outsider-${i}`);
    const crowd = [...listed, ...outsiders, ...listed, ...outsiders].sort(
      () => Math.random() - 0.5,
    );
    const outcome = await scenario.fire(crowd);

    expectAnsweredAmong(outcome, ['NOT_ELIGIBLE']);
    expect(outcome.count('ISSUED')).toBe(300);
    expect(outcome.count('NOT_ELIGIBLE')).toBe(600);
    expect([...outcome.winners.keys()].sort()).toEqual([...listed].sort());
    await scenario.conclude('allowlisted drop', { listed: 300 }, { cap: 300 });
  });

  it('the ledger lost after corrections: rebuilt from MySQL with the cap, the pause and the revocations', async () => {
    const scenario = await faultScenario(system, { total: 300 });
    const { api, campaignId } = scenario;
    const first = await scenario.fire(scenario.crowd('a', 200));
    expect(first.count('ISSUED')).toBe(200);
    const winners = [...first.winners.keys()].slice(0, 10);
    const path = `/admin/campaigns/${campaignId}`;
    for (const userId of winners) {
      const answer = await admin(api, 'POST', `${path}/coupons/${userId}/revoke`, {
        returnToStock: true,
      });
      expect(answer.status).toBe(200);
    }
    expect((await admin(api, 'PATCH', path, { totalQuantity: 250 })).status).toBe(200);
    expect((await admin(api, 'POST', `${path}/pause`)).status).toBe(200);
    await scenario.converge();
    await waitFor('the revoked rows', async () =>
      (await system.probes.revokedRows(campaignId)).size === 10 ? true : undefined,
    );

    // Redis loses the campaign (its keys deleted, as a restart from an old snapshot would).
    await system.probes.forget([campaignId]);
    const probe = `${campaignId}-probe`;
    const answer = await waitFor('the rebuilt ledger to answer', async () => {
      const reply = await applyOnce(api, campaignId, probe);
      return reply.status === 503 && reply.body.error?.code === 'LEDGER_NOT_READY'
        ? undefined
        : reply;
    });
    // Rebuilt from MySQL: the pause came back with it (and so nothing was granted).
    expect(answer.body.error?.code).toBe('CAMPAIGN_PAUSED');
    const status = await fetch(`${api.url}/campaigns/${campaignId}/issuances/${winners[0]}`);
    expect(await status.json()).toMatchObject({ status: 'REVOKED', returned: true });

    expect((await admin(api, 'POST', `${path}/resume`)).status).toBe(200);
    const rest = await scenario.fire(scenario.crowd('b', 200));
    // The corrected cap of 250, less the 190 coupons still active: exactly 60 more.
    expect(rest.count('ISSUED')).toBe(60);
    await scenario.conclude('ledger lost after corrections', { revoked: 10 }, { cap: 260 });
  });
});
