import { sign } from 'hono/jwt';
import { afterEach, describe, expect, it } from 'vitest';
import type { PointLimiter } from '../../src/adapters/http/rate-limit.ts';
import { memoryRateLimiter } from '../../src/adapters/memory/in-memory-rate-limiter.ts';
import { createRedisClient } from '../../src/adapters/redis/redis-client.ts';
import { redisRateLimiter } from '../../src/adapters/redis/redis-rate-limiter.ts';
import { loadConfig } from '../../src/bootstrap/config.ts';
import { startHttpServer } from '../../src/bootstrap/runtime/http-server.ts';
import { productionRateLimits } from '../../src/bootstrap/wiring/rate-limit.ts';
import { ADMIN_TOKEN, createHttpFixture } from '../support/http-fixture.ts';
import { createCampaignAsAdmin, useRuntimeApps } from '../support/http-runtime.ts';
import { randomCampaignId, randomUserId } from '../support/mothers.ts';

const SECRET = 'an-hs256-secret-of-at-least-32-characters';
const appWith = useRuntimeApps();
const stops: (() => Promise<void>)[] = [];

// Registered after useRuntimeApps, so it runs first: the servers close before their runtimes stop.
afterEach(async () => {
  await Promise.all(stops.splice(0).map((stop) => stop()));
});

/** The real wiring (config → limits → app) on the memory adapters, with a campaign. */
async function service(env: Record<string, string>) {
  const { app } = await appWith({ ADMIN_TOKEN, ...env });
  const campaignId = randomCampaignId('rl');
  await createCampaignAsAdmin(app, ADMIN_TOKEN, {
    id: campaignId,
    name: 'Limited drop',
    totalQuantity: 100_000,
  });
  return { app, campaignId };
}

async function expectRateLimited(res: Response) {
  expect(res.status).toBe(429);
  expect(Number(res.headers.get('retry-after'))).toBeGreaterThanOrEqual(1);
  const body = (await res.json()) as { error: { code: string; message: string } };
  expect(body.error.code).toBe('RATE_LIMITED');
  expect(typeof body.error.message).toBe('string');
}

const statuses = (responses: Response[]) => responses.map((r) => r.status);

describe('per-client rate limits (RATE_LIMIT_*_PER_SECOND)', () => {
  it('a flooding client gets 429 while other clients, flooding concurrently, are unaffected (real sockets)', async () => {
    const { app, campaignId } = await service({
      RATE_LIMIT_APPLY_PER_SECOND: '3',
      TRUSTED_PROXY_HEADER: 'x-forwarded-for',
    });
    const server = await startHttpServer(app, 0, '127.0.0.1');
    stops.push(() => server.close());
    const apply = (client: string) =>
      fetch(`http://127.0.0.1:${server.port}/campaigns/${campaignId}/issuances`, {
        method: 'POST',
        // The client's own entry first: only the right-most one (our proxy's) counts.
        headers: { 'content-type': 'application/json', 'x-forwarded-for': `1.1.1.1, ${client}` },
        body: JSON.stringify({ userId: randomUserId() }),
      });
    const others = ['10.0.0.2', '10.0.0.3', '10.0.0.4', '10.0.0.5'];
    // All at once: 40 from the flooder, and each other client exactly its limit (3) at once.
    const [flood, ...rest] = await Promise.all([
      Promise.all(Array.from({ length: 40 }, () => apply('10.0.0.1'))),
      ...others.map((client) => Promise.all([apply(client), apply(client), apply(client)])),
    ]);
    const limited = flood.filter((r) => r.status === 429);
    expect(limited.length).toBeGreaterThan(0);
    await expectRateLimited(limited[0]!);
    for (const answers of rest) expect(statuses(answers)).toEqual([201, 201, 201]);
  });

  it('without TRUSTED_PROXY_HEADER a forged X-Forwarded-For does not make a new client', async () => {
    const { app, campaignId } = await service({ RATE_LIMIT_APPLY_PER_SECOND: '2' });
    const server = await startHttpServer(app, 0, '127.0.0.1');
    stops.push(() => server.close());
    const responses = await Promise.all(
      Array.from({ length: 12 }, (_, i) =>
        fetch(`http://127.0.0.1:${server.port}/campaigns/${campaignId}/issuances`, {
          method: 'POST',
          headers: { 'content-type': 'application/json', 'x-forwarded-for': `10.9.9.${i}` },
          body: JSON.stringify({ userId: randomUserId() }),
        }),
      ),
    );
    expect(statuses(responses).filter((s) => s === 429).length).toBeGreaterThan(0);
  });

  it('jwt mode counts the verified user: one user is limited, another user is not', async () => {
    const { app, campaignId } = await service({
      AUTH_MODE: 'jwt',
      JWT_SECRET: SECRET,
      RATE_LIMIT_STATUS_PER_SECOND: '2',
    });
    const token = (sub: string) =>
      sign({ sub, exp: Math.floor(Date.now() / 1000) + 300 }, SECRET, 'HS256');
    const [flooder, other] = [randomUserId(), randomUserId()];
    const [flooderToken, otherToken] = await Promise.all([token(flooder), token(other)]);
    const status = async (userId: string, bearer: string, method = 'GET') =>
      app.request(`/campaigns/${campaignId}/issuances/${userId}`, {
        method,
        headers: { authorization: `Bearer ${bearer}` },
      });
    const [flood, others] = await Promise.all([
      Promise.all(Array.from({ length: 20 }, () => status(flooder, flooderToken))),
      Promise.all([status(other, otherToken), status(other, otherToken, 'HEAD')]),
    ]);
    const limited = flood.filter((r) => r.status === 429);
    expect(limited.length).toBeGreaterThan(0);
    await expectRateLimited(limited[0]!);
    expect(statuses(others)).toEqual([200, 200]);
    // Apply is not limited (RATE_LIMIT_APPLY_PER_SECOND unset, embedded default off).
    const applied = await app.request(`/campaigns/${campaignId}/issuances`, {
      method: 'POST',
      headers: { authorization: `Bearer ${flooderToken}` },
    });
    expect(applied.status).toBe(201);
  });

  it('the embedded default is off, the production API default is on in jwt mode only', async () => {
    const { app, campaignId } = await service({});
    const responses = await Promise.all(
      Array.from({ length: 50 }, async () =>
        app.request(`/campaigns/${campaignId}/issuances/someone`),
      ),
    );
    expect(new Set(statuses(responses))).toEqual(new Set([200]));
    expect(productionRateLimits(loadConfig({ AUTH_MODE: 'jwt', JWT_SECRET: SECRET }))).toEqual({
      apply: 5,
      status: 20,
    });
    expect(productionRateLimits(loadConfig({ AUTH_MODE: 'body' }))).toEqual({
      apply: 0,
      status: 0,
    });
  });

  it('a Redis limiter whose Redis is unreachable limits in memory instead: never a 500 or 503', async () => {
    // Port 1: nothing listens; the client is never connected, so every consume goes to the
    // insurance limiter at once (rejectIfRedisNotReady), with no timeout to wait for.
    const dead = createRedisClient('redis://127.0.0.1:1');
    stops.push(async () => dead.disconnect());
    const f = createHttpFixture({
      rateLimits: { apply: redisRateLimiter(dead, { points: 2, keyPrefix: 'dead' }) },
    });
    const campaignId = await f.createCampaign();
    const responses = await Promise.all(
      Array.from({ length: 10 }, () => f.applyAs(campaignId, randomUserId())),
    );
    const seen = new Set(responses.map((r) => r.status));
    expect([...seen].every((s) => s === 201 || s === 429)).toBe(true);
    expect(seen.has(429)).toBe(true);
  });

  it('a limiter that fails outright lets the request through (fail open) and logs it', async () => {
    const broken: PointLimiter = {
      points: 1,
      consume: () => Promise.reject(new Error('store exploded')),
    };
    const f = createHttpFixture({ rateLimits: { apply: broken } });
    const campaignId = await f.createCampaign();
    expect((await f.applyAs(campaignId, randomUserId())).status).toBe(201);
    expect(f.logger.at('warn').map((e) => e.message)).toContain(
      'rate limiter unavailable: request let through',
    );
  });

  it('the apply limit is per route: flooding apply leaves status alone', async () => {
    const f = createHttpFixture({
      rateLimits: {
        apply: memoryRateLimiter({ points: 1, keyPrefix: 'a' }),
        status: memoryRateLimiter({ points: 5, keyPrefix: 's' }),
      },
    });
    const campaignId = await f.createCampaign();
    const applies = await Promise.all(
      Array.from({ length: 5 }, () => f.applyAs(campaignId, randomUserId())),
    );
    expect(applies.filter((r) => r.status === 429).length).toBeGreaterThan(0);
    const status = await f.status(campaignId, randomUserId());
    expect(status.status).toBe(200);
  });
});
