import { describe, expect, it } from 'vitest';
import type { OpenAPIHono } from '@hono/zod-openapi';
import { encodeSolution, proofFor, solve, type Challenge } from '../../scripts/lib/solve-proof.ts';
import { createCampaignAsAdmin, useRuntimeApps } from '../support/http-runtime.ts';
import { randomCampaignId, randomUserId } from '../support/mothers.ts';

const ADMIN = 'proof-admin-token-0123';
const DIFFICULTY = 1_000;

describe('HTTP: the proof-of-work gate', () => {
  const runtimeApp = useRuntimeApps();
  const env = { ADMIN_TOKEN: ADMIN, PROOF_CHALLENGE_TTL_MS: '60000' };

  const apply = (app: OpenAPIHono, campaignId: string, userId: string, proof?: string) =>
    app.request(`/campaigns/${campaignId}/issuances`, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        ...(proof !== undefined ? { 'x-proof-of-work': proof } : {}),
      },
      body: JSON.stringify({ userId }),
    });
  const code = async (answer: Response) =>
    ((await answer.json()) as { error?: { code: string } }).error?.code;
  const gated = async (app: OpenAPIHono, extra: Record<string, unknown> = {}) => {
    const id = randomCampaignId();
    await createCampaignAsAdmin(app, ADMIN, {
      id,
      name: 'Gated drop',
      totalQuantity: 10,
      proofOfWorkDifficulty: DIFFICULTY,
      ...extra,
    });
    return id;
  };
  const fetchOf = (app: OpenAPIHono) => (path: string, init?: RequestInit) =>
    app.request(path, init);

  it('grants only with a valid solution, and each solution once', async () => {
    const { app } = await runtimeApp(env);
    const id = await gated(app);
    const proof = await proofFor(fetchOf(app), id);

    expect(await code(await apply(app, id, randomUserId()))).toBe('PROOF_REQUIRED');
    const winner = randomUserId();
    const granted = await apply(app, id, winner, proof);
    expect(granted.status).toBe(201);
    const replayed = await apply(app, id, randomUserId(), proof);
    expect(replayed.status).toBe(403);
    expect(await code(replayed)).toBe('PROOF_REPLAYED');
  });

  it('answers a sold-out campaign before the gate: 410 without a solution, nothing checked or spent', async () => {
    const { app } = await runtimeApp(env);
    const id = await gated(app, { totalQuantity: 1 });
    const winner = randomUserId();
    expect((await apply(app, id, winner, await proofFor(fetchOf(app), id))).status).toBe(201);
    const unused = await proofFor(fetchOf(app), id);

    // Sold out: no solution, a bad one, or a valid one, the same 410, and the valid one unspent.
    for (const proof of [undefined, 'not base64 json', unused]) {
      const answer = await apply(app, id, randomUserId(), proof);
      expect(answer.status).toBe(410);
      expect(await code(answer)).toBe('SOLD_OUT');
    }
    // The winner asking again still hears 409 with their coupon, without a solution.
    const again = await apply(app, id, winner);
    expect(again.status).toBe(409);
    expect(((await again.json()) as { sequence?: number }).sequence).toBe(1);
    const metrics = await (await app.request('/metrics')).text();
    expect(metrics).toMatch(/^coupon_proof_checks_total\{outcome="solved"\} 1$/m);
    expect(metrics).toMatch(/^coupon_proof_checks_total\{outcome="required"\} 0$/m);
    expect(metrics).toMatch(/^coupon_proof_checks_total\{outcome="invalid"\} 0$/m);

    // Re-opened (more stock), it can grant again: the gate is back in front, and the solution
    // offered while it was sold out was never spent, so it wins now.
    const more = await app.request(`/admin/campaigns/${id}`, {
      method: 'PATCH',
      headers: { authorization: `Bearer ${ADMIN}`, 'content-type': 'application/json' },
      body: JSON.stringify({ totalQuantity: 2 }),
    });
    expect(more.status).toBe(200);
    expect((await apply(app, id, randomUserId())).status).toBe(428);
    expect((await apply(app, id, randomUserId(), unused)).status).toBe(201);
  });

  it('answers 428 PROOF_REQUIRED without a solution, and grants nothing', async () => {
    const { app } = await runtimeApp(env);
    const id = await gated(app);
    const answer = await apply(app, id, randomUserId());
    expect(answer.status).toBe(428);
    const summary = (await (await app.request(`/campaigns/${id}`)).json()) as { issued: number };
    expect(summary.issued).toBe(0);
  });

  it('refuses a wrong number, a forged payload and another campaign’s solution as PROOF_INVALID', async () => {
    const { app } = await runtimeApp(env);
    const id = await gated(app);
    const other = await gated(app);
    const challenge = (await (await app.request(`/campaigns/${id}/challenge`)).json()) as Challenge;
    const number = (await solve(challenge)) as number;

    const wrong = encodeSolution(challenge, number + 1);
    const forged = encodeSolution({ ...challenge, signature: '0'.repeat(64) }, number);
    const foreign = await proofFor(fetchOf(app), other);
    for (const proof of [wrong, forged, foreign, 'not base64 json']) {
      const answer = await apply(app, id, randomUserId(), proof);
      expect(answer.status).toBe(403);
      expect(await code(answer)).toBe('PROOF_INVALID');
    }
    // The right one still wins: refusals spent nothing.
    expect((await apply(app, id, randomUserId(), encodeSolution(challenge, number))).status).toBe(
      201,
    );
  });

  it('refuses an expired solution as PROOF_EXPIRED', async () => {
    const { app } = await runtimeApp({ ...env, PROOF_CHALLENGE_TTL_MS: '1000' });
    const id = await gated(app);
    const proof = await proofFor(fetchOf(app), id);
    // The expiry is whole seconds (ALTCHA's): wait until it has surely passed.
    await new Promise((resolve) => setTimeout(resolve, 2_100));
    const answer = await apply(app, id, randomUserId(), proof);
    expect(answer.status).toBe(403);
    expect(await code(answer)).toBe('PROOF_EXPIRED');
  });

  it('needs no solution on a campaign without the gate; its challenge is 409', async () => {
    const { app } = await runtimeApp(env);
    const id = randomCampaignId();
    await createCampaignAsAdmin(app, ADMIN, { id, name: 'Open drop', totalQuantity: 3 });
    expect((await apply(app, id, randomUserId())).status).toBe(201);
    const challenge = await app.request(`/campaigns/${id}/challenge`);
    expect(challenge.status).toBe(409);
    expect(await code(challenge)).toBe('PROOF_NOT_REQUIRED');
    expect((await app.request(`/campaigns/${randomCampaignId()}/challenge`)).status).toBe(404);
  });

  it('takes the difficulty on create, shows it, and an operator can lift the gate', async () => {
    const { app } = await runtimeApp(env);
    const id = await gated(app);
    const challenge = (await (await app.request(`/campaigns/${id}/challenge`)).json()) as Challenge;
    expect(challenge.maxnumber).toBe(DIFFICULTY);
    const shown = (await (await app.request(`/campaigns/${id}`)).json()) as Record<string, unknown>;
    expect(shown['proofOfWorkDifficulty']).toBe(DIFFICULTY);

    const lifted = await app.request(`/admin/campaigns/${id}`, {
      method: 'PATCH',
      headers: { authorization: `Bearer ${ADMIN}`, 'content-type': 'application/json' },
      body: JSON.stringify({ proofOfWorkDifficulty: null }),
    });
    expect(lifted.status).toBe(200);
    expect((await apply(app, id, randomUserId())).status).toBe(201);
  });

  it('refuses a difficulty out of range with a field-level 400', async () => {
    const { app } = await runtimeApp(env);
    const created = await app.request('/admin/campaigns', {
      method: 'POST',
      headers: { authorization: `Bearer ${ADMIN}`, 'content-type': 'application/json' },
      body: JSON.stringify({ id: randomCampaignId(), name: 'x', proofOfWorkDifficulty: 5 }),
    });
    expect(created.status).toBe(400);
    const body = (await created.json()) as { error: { fields: { field: string }[] } };
    expect(body.error.fields.map((f) => f.field)).toEqual(['proofOfWorkDifficulty']);
  });

  it('counts challenges and checks by outcome in /metrics and /stats (the dashboard tile)', async () => {
    const { app } = await runtimeApp(env);
    const id = await gated(app);
    const proof = await proofFor(fetchOf(app), id);
    await apply(app, id, randomUserId());
    await apply(app, id, randomUserId(), proof);
    await apply(app, id, randomUserId(), proof);
    const text = await (await app.request('/metrics')).text();
    expect(text).toMatch(/^coupon_proof_challenges_issued_total 1$/m);
    expect(text).toMatch(/^coupon_proof_checks_total\{outcome="solved"\} 1$/m);
    expect(text).toMatch(/^coupon_proof_checks_total\{outcome="required"\} 1$/m);
    expect(text).toMatch(/^coupon_proof_checks_total\{outcome="replayed"\} 1$/m);
    const stats = (await (await app.request('/stats')).json()) as { proofs: unknown };
    expect(stats.proofs).toEqual({
      challenges: 1,
      outcomes: { solved: 1, required: 1, invalid: 0, expired: 0, replayed: 1 },
    });
  });
});
