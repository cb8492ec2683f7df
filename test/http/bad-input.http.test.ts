import { beforeEach, describe, expect, it } from 'vitest';
import type { CampaignId, UserId } from '../../src/domain/ids.ts';
import { createHttpFixture, type HttpFixture, type HttpResponse } from '../support/http-fixture.ts';
import { randomUserId } from '../support/mothers.ts';

type Send = (f: HttpFixture, campaignId: CampaignId, userId: UserId) => Promise<HttpResponse>;

interface BadInput {
  readonly status: number;
  readonly code: string;
  /** The field `error.fields[].field` must name, when the code is VALIDATION_FAILED. */
  readonly field?: string;
  readonly send: Send;
}

const json = 'application/json';
const postRaw =
  (raw: string, contentType?: string): Send =>
  (f, campaignId) =>
    f.request('POST', `/campaigns/${campaignId}/issuances`, {
      raw,
      headers: contentType === undefined ? {} : { 'content-type': contentType },
    });
const applyBody =
  (body: (userId: UserId) => unknown): Send =>
  (f, campaignId, userId) =>
    f.apply(campaignId, body(userId));
const applyTo =
  (campaignPath: string): Send =>
  (f, _campaignId, userId) =>
    f.applyAs(campaignPath, userId);
const applyAs =
  (userId: string): Send =>
  (f, campaignId) =>
    f.applyAs(campaignId, userId);
const statusOf =
  (userPath: string): Send =>
  (f, campaignId) =>
    f.status(campaignId, userPath);

const long65 = 'a'.repeat(65);

const cases: Record<string, BadInput> = {
  'malformed JSON': { status: 400, code: 'MALFORMED_JSON', send: postRaw('{"userId":', json) },
  'JSON with a trailing comma': {
    status: 400,
    code: 'MALFORMED_JSON',
    send: postRaw('{"userId":"a",}', json),
  },
  'an empty body': { status: 400, code: 'MALFORMED_JSON', send: postRaw('', json) },
  'userId as a number': {
    status: 400,
    code: 'VALIDATION_FAILED',
    field: 'userId',
    send: applyBody(() => ({ userId: 42 })),
  },
  'userId as null': {
    status: 400,
    code: 'VALIDATION_FAILED',
    field: 'userId',
    send: applyBody(() => ({ userId: null })),
  },
  'userId as an array': {
    status: 400,
    code: 'VALIDATION_FAILED',
    field: 'userId',
    send: applyBody((u) => ({ userId: [u] })),
  },
  'userId missing': {
    status: 400,
    code: 'VALIDATION_FAILED',
    field: 'userId',
    send: applyBody(() => ({})),
  },
  'userId under another name': {
    status: 400,
    code: 'VALIDATION_FAILED',
    field: 'userId',
    send: applyBody((u) => ({ userid: u })),
  },
  'an extra field': {
    status: 400,
    code: 'VALIDATION_FAILED',
    field: 'extra',
    send: applyBody((u) => ({ userId: u, extra: true })),
  },
  'a __proto__ field': {
    status: 400,
    code: 'VALIDATION_FAILED',
    field: '__proto__',
    send: (f, c, u) => postRaw(`{"__proto__":{"admin":true},"userId":"${u}"}`, json)(f, c, u),
  },
  'a JSON array body': {
    status: 400,
    code: 'VALIDATION_FAILED',
    field: 'body',
    send: postRaw('[]', json),
  },
  'a JSON string body': {
    status: 400,
    code: 'VALIDATION_FAILED',
    field: 'body',
    send: postRaw('"alice"', json),
  },
  'an oversize body': {
    status: 413,
    code: 'PAYLOAD_TOO_LARGE',
    send: (f, c, u) => postRaw(JSON.stringify({ userId: u, pad: 'x'.repeat(5000) }), json)(f, c, u),
  },
  'an oversize body with a declared Content-Length': {
    status: 413,
    code: 'PAYLOAD_TOO_LARGE',
    send: (f, c, u) => {
      const raw = JSON.stringify({ userId: u, pad: 'x'.repeat(5000) });
      return f.request('POST', `/campaigns/${c}/issuances`, {
        raw,
        headers: { 'content-type': json, 'content-length': String(raw.length) },
      });
    },
  },
  'Content-Type text/plain': {
    status: 415,
    code: 'UNSUPPORTED_MEDIA_TYPE',
    send: (f, c, u) => postRaw(JSON.stringify({ userId: u }), 'text/plain')(f, c, u),
  },
  'no Content-Type': {
    status: 415,
    code: 'UNSUPPORTED_MEDIA_TYPE',
    send: (f, c, u) => postRaw(JSON.stringify({ userId: u }))(f, c, u),
  },
  'Content-Type form-urlencoded': {
    status: 415,
    code: 'UNSUPPORTED_MEDIA_TYPE',
    send: (f, c, u) => postRaw(`userId=${u}`, 'application/x-www-form-urlencoded')(f, c, u),
  },
  'Content-Type application/jsonp': {
    status: 415,
    code: 'UNSUPPORTED_MEDIA_TYPE',
    send: (f, c, u) => postRaw(JSON.stringify({ userId: u }), 'application/jsonp')(f, c, u),
  },
  'a campaign id with uppercase': {
    status: 400,
    code: 'VALIDATION_FAILED',
    field: 'campaignId',
    send: applyTo('Black-Friday'),
  },
  'a campaign id with an underscore': {
    status: 400,
    code: 'VALIDATION_FAILED',
    field: 'campaignId',
    send: applyTo('black_friday'),
  },
  'a campaign id with a space': {
    status: 400,
    code: 'VALIDATION_FAILED',
    field: 'campaignId',
    send: applyTo('black%20friday'),
  },
  'a campaign id with unicode': {
    status: 400,
    code: 'VALIDATION_FAILED',
    field: 'campaignId',
    send: applyTo('caf%C3%A9'),
  },
  'a campaign id with broken percent-encoding': {
    status: 400,
    code: 'VALIDATION_FAILED',
    field: 'campaignId',
    send: applyTo('%ZZ'),
  },
  'a campaign id of 65 characters': {
    status: 400,
    code: 'VALIDATION_FAILED',
    field: 'campaignId',
    send: applyTo(long65),
  },
  'a user id with a space': {
    status: 400,
    code: 'VALIDATION_FAILED',
    field: 'userId',
    send: applyAs('alice smith'),
  },
  'a user id with a newline': {
    status: 400,
    code: 'VALIDATION_FAILED',
    field: 'userId',
    send: applyAs('alice\nlevel=error'),
  },
  'a user id of 65 characters': {
    status: 400,
    code: 'VALIDATION_FAILED',
    field: 'userId',
    send: applyAs(long65),
  },
  'a user id with unicode': {
    status: 400,
    code: 'VALIDATION_FAILED',
    field: 'userId',
    send: applyAs('josé'),
  },
  'an empty user id': {
    status: 400,
    code: 'VALIDATION_FAILED',
    field: 'userId',
    send: applyAs(''),
  },
  'status: a user id with a space': {
    status: 400,
    code: 'VALIDATION_FAILED',
    field: 'userId',
    send: statusOf('alice%20smith'),
  },
  'status: a user id with unicode': {
    status: 400,
    code: 'VALIDATION_FAILED',
    field: 'userId',
    send: statusOf('jos%C3%A9'),
  },
  'status: a user id of 65 characters': {
    status: 400,
    code: 'VALIDATION_FAILED',
    field: 'userId',
    send: statusOf(long65),
  },
  'status: a campaign id with uppercase': {
    status: 400,
    code: 'VALIDATION_FAILED',
    field: 'campaignId',
    send: (f, _c, u) => f.status('DROP', u),
  },
  'summary: a campaign id of 65 characters': {
    status: 400,
    code: 'VALIDATION_FAILED',
    field: 'campaignId',
    send: (f) => f.summary(long65),
  },
  'an unknown route': { status: 404, code: 'NOT_FOUND', send: (f) => f.request('GET', '/nope') },
  'an unknown method on a known path': {
    status: 405,
    code: 'METHOD_NOT_ALLOWED',
    send: (f, c) => f.request('DELETE', `/campaigns/${c}`),
  },
  'GET on the apply path': {
    status: 405,
    code: 'METHOD_NOT_ALLOWED',
    send: (f, c) => f.request('GET', `/campaigns/${c}/issuances`),
  },
};

describe('HTTP: bad input is a clear 4xx with a stable code, and grants nothing', () => {
  let f: HttpFixture;
  let campaignId: CampaignId;

  beforeEach(async () => {
    f = createHttpFixture();
    campaignId = await f.createCampaign({ totalQuantity: 10 });
    // One real grant first, so "unchanged" is not just "still zero".
    expect((await f.applyAs(campaignId, randomUserId())).status).toBe(201);
  });

  it.each(Object.entries(cases))('%s', async (_name, { status, code, field, send }) => {
    const userId = randomUserId();
    const outboxBefore = f.store.outbox.size;

    const response = await send(f, campaignId, userId);

    expect(response.status).toBe(status);
    expect(response.headers.get('content-type')).toMatch(/^application\/json/);
    expect(response.body.error).toMatchObject({ code, message: expect.any(String) as string });
    if (field !== undefined) {
      expect(response.body.error?.fields).toEqual(
        expect.arrayContaining([{ field, message: expect.any(String) as string }]),
      );
    }
    // Nothing granted, anywhere: the count is unchanged and no event was appended.
    expect((await f.summary(campaignId)).body).toMatchObject({ issued: 1, remaining: 9 });
    expect(f.store.outbox.size).toBe(outboxBefore);
    expect((await f.status(campaignId, userId)).body.status).toBe('NOT_ISSUED');
    // Bad input is the caller's mistake, not ours: never an error (nor a warning) in our log.
    expect(f.logger.at('error')).toEqual([]);
    expect(f.logger.at('warn')).toEqual([]);
  });

  it('names the missing field with "is required"', async () => {
    const response = await f.apply(campaignId, {});
    expect(response.body.error?.fields).toEqual([{ field: 'userId', message: 'is required' }]);
  });

  it('names an unknown field with "is not a known field"', async () => {
    const response = await f.apply(campaignId, { userId: randomUserId(), coupon: 'FREE' });
    expect(response.body.error?.fields).toEqual([
      { field: 'coupon', message: 'is not a known field' },
    ]);
  });

  it('states the id rule in the message', async () => {
    const response = await f.applyAs(campaignId, 'alice smith');
    expect(response.body.error?.fields).toEqual([
      { field: 'userId', message: 'must be 1-64 characters of A-Z, a-z, 0-9, _ . : and -' },
    ]);
  });

  it('accepts a body exactly at ids of 64 characters', async () => {
    const response = await f.applyAs(campaignId, 'u'.repeat(64));
    expect(response.status).toBe(201);
  });
});
