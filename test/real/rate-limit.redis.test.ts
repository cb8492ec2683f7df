import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { redisRateLimiter } from '../../src/adapters/redis/redis-rate-limiter.ts';
import { createHttpFixture } from '../support/http-fixture.ts';
import { randomUserId } from '../support/mothers.ts';
import { useRedis } from '../support/redis-layouts.ts';

/**
 * Two API processes (two apps, two connections) share one client's count through Redis: the
 * limit holds across processes, and another client is unaffected by the flood.
 */
describe('per-client rate limit on Redis (RateLimiterRedis)', () => {
  const clients = [useRedis('single'), useRedis('single')];

  it('counts a client across processes and leaves other clients alone', async () => {
    const keyPrefix = `coupon-rl-test:${randomUUID()}`;
    const apps = clients.map((client) =>
      createHttpFixture({
        rateLimits: {
          apply: redisRateLimiter(client(), { points: 4, keyPrefix }),
          trustedProxyHeader: 'x-forwarded-for',
        },
      }),
    );
    const campaignId = randomUUID().slice(0, 8);
    await Promise.all(apps.map((f) => f.createCampaign({ id: campaignId, totalQuantity: 1000 })));
    const apply = (i: number, client: string) =>
      apps[i % 2]!.request('POST', `/campaigns/${campaignId}/issuances`, {
        json: { userId: randomUserId() },
        headers: { 'x-forwarded-for': client },
      });
    const [flood, other] = await Promise.all([
      Promise.all(Array.from({ length: 40 }, (_, i) => apply(i, '10.1.0.1'))),
      Promise.all(Array.from({ length: 4 }, (_, i) => apply(i, '10.1.0.2'))),
    ]);
    const limited = flood.filter((r) => r.status === 429);
    // Per process alone, 4 + 4 would pass in a window; shared, far fewer than 40 do.
    expect(limited.length).toBeGreaterThan(0);
    expect(limited[0]!.body.error?.code).toBe('RATE_LIMITED');
    expect(Number(limited[0]!.headers.get('retry-after'))).toBeGreaterThanOrEqual(1);
    expect(other.map((r) => r.status)).toEqual([201, 201, 201, 201]);
    const keys = await clients[0]!().keys(`${keyPrefix}:*`);
    expect(keys.length).toBeGreaterThan(0);
  });
});
