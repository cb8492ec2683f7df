import { request as httpRequest } from 'node:http';
import type { AddressInfo } from 'node:net';
import { serve, type ServerType } from '@hono/node-server';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createHttpFixture, type HttpFixture } from '../support/http-fixture.ts';
import { randomUserId } from '../support/mothers.ts';

const LIMIT = 1024;

/**
 * The body limit over a real socket, where Node's parser (not a test shortcut) decides what a
 * handler can read: a declared Content-Length is judged from the header, a chunked body without
 * one is counted as it streams. Both ways an oversize body is a 413, a small one goes through.
 */
describe('HTTP body limit on a real socket', () => {
  let f: HttpFixture;
  let server: ServerType;
  let port = 0;
  let campaignId = '';

  beforeAll(async () => {
    f = createHttpFixture({ bodyLimitBytes: LIMIT });
    campaignId = await f.createCampaign({ totalQuantity: 10 });
    server = await new Promise<ServerType>((resolve) => {
      const started = serve({ fetch: f.app.fetch, port: 0, hostname: '127.0.0.1' }, () =>
        resolve(started),
      );
    });
    port = (server.address() as AddressInfo).port;
  });

  afterAll(async () => {
    await new Promise((resolve) => server.close(resolve));
  });

  /** POSTs `chunks` as they are: chunked when `declare` is false, else with Content-Length. */
  function post(chunks: string[], declare: boolean): Promise<{ status: number; body: string }> {
    const total = chunks.reduce((sum, chunk) => sum + Buffer.byteLength(chunk), 0);
    return new Promise((resolve, reject) => {
      const req = httpRequest(
        {
          host: '127.0.0.1',
          port,
          method: 'POST',
          path: `/campaigns/${campaignId}/issuances`,
          headers: {
            'content-type': 'application/json',
            ...(declare ? { 'content-length': String(total) } : {}),
          },
        },
        (res) => {
          let body = '';
          res.setEncoding('utf8');
          res.on('data', (chunk: string) => (body += chunk));
          res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
        },
      );
      req.on('error', reject);
      for (const chunk of chunks) req.write(chunk);
      req.end();
    });
  }

  const bodyOf = (pad: number) => JSON.stringify({ userId: randomUserId(), pad: 'x'.repeat(pad) });
  const halves = (text: string) => [text.slice(0, text.length / 2), text.slice(text.length / 2)];

  it('413 for an oversize body with a declared Content-Length', async () => {
    const answer = await post([bodyOf(LIMIT * 2)], true);
    expect(answer.status).toBe(413);
    expect(answer.body).toContain('PAYLOAD_TOO_LARGE');
  });

  it('413 for an oversize chunked body without a Content-Length', async () => {
    const answer = await post(halves(bodyOf(LIMIT * 2)), false);
    expect(answer.status).toBe(413);
    expect(answer.body).toContain('PAYLOAD_TOO_LARGE');
  });

  it('applies with a small body, declared or chunked', async () => {
    const small = () => JSON.stringify({ userId: randomUserId() });
    expect((await post([small()], true)).status).toBe(201);
    expect((await post(halves(small()), false)).status).toBe(201);
  });
});
