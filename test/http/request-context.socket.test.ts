import type { AddressInfo } from 'node:net';
import { serve, type ServerType } from '@hono/node-server';
import { Hono } from 'hono';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { requestContext } from '../../src/adapters/http/request-context.ts';
import { createHttpFixture, type HttpFixture } from '../support/http-fixture.ts';
import { randomUserId } from '../support/mothers.ts';
import { CapturingLogger } from '../support/test-logger.ts';

function listen(fetch: HttpFixture['app']['fetch']): Promise<ServerType> {
  return new Promise((resolve) => {
    const started = serve({ fetch, port: 0, hostname: '127.0.0.1' }, () => resolve(started));
  });
}

/**
 * Served by @hono/node-server the request id goes onto Node's own response (not through Hono's
 * headers): over a real socket every answer must still carry it, whichever way it was produced.
 */
describe('X-Request-Id on a real socket', () => {
  let f: HttpFixture;
  let server: ServerType;
  let base = '';
  let campaignId = '';

  beforeAll(async () => {
    f = createHttpFixture({ bodyLimitBytes: 1024 });
    campaignId = await f.createCampaign({ totalQuantity: 1 });
    server = await listen(f.app.fetch);
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });

  afterAll(async () => {
    await new Promise((resolve) => server.close(resolve));
  });

  const apply = (body: string, headers: Record<string, string> = {}) =>
    fetch(`${base}/campaigns/${campaignId}/issuances`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...headers },
      body,
    });

  it('is on 201, 409, 410, 400, 413, 415, 404 and 405 answers, once', async () => {
    const winner = randomUserId();
    const answers = [
      await apply(JSON.stringify({ userId: winner })),
      await apply(JSON.stringify({ userId: winner })),
      await apply(JSON.stringify({ userId: randomUserId() })),
      await apply('{not json'),
      await apply(JSON.stringify({ userId: 'x'.repeat(2000) })),
      await fetch(`${base}/campaigns/${campaignId}/issuances`, { method: 'POST', body: 'x' }),
      await fetch(`${base}/nowhere`),
      await fetch(`${base}/campaigns/${campaignId}/issuances`, { method: 'DELETE' }),
    ];
    expect(answers.map((r) => r.status)).toEqual([201, 409, 410, 400, 413, 415, 404, 405]);
    for (const res of answers) {
      expect(res.headers.get('x-request-id')).toMatch(/^[0-9a-f-]{36}$/);
      await res.arrayBuffer();
    }
  });

  it("echoes a caller's sane id", async () => {
    const res = await apply(JSON.stringify({ userId: randomUserId() }), {
      'x-request-id': 'gw-7.abc',
    });
    expect(res.headers.get('x-request-id')).toBe('gw-7.abc');
  });
});

/** A logger that says debug is off, and counts what it is asked to write anyway. */
class DebugOffLogger extends CapturingLogger {
  isLevelEnabled(level: string): boolean {
    return level !== 'debug';
  }
}

describe('the per-request debug line', () => {
  const appWith = (logger: CapturingLogger) =>
    new Hono().use('*', requestContext(logger, undefined)).get('/x', (c) => c.text('ok'));

  it('is not even built when debug is off', async () => {
    const logger = new DebugOffLogger();
    const res = await appWith(logger).request('/x');
    expect(res.status).toBe(200);
    expect(logger.entries).toEqual([]);
  });

  it('is written when the logger writes debug', async () => {
    const logger = new CapturingLogger();
    await appWith(logger).request('/x');
    expect(logger.at('debug').map((e) => e.message)).toEqual(['request']);
  });
});
