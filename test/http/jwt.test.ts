import { generateKeyPairSync } from 'node:crypto';
import { sign } from 'hono/jwt';
import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../../src/bootstrap/config.ts';
import { createCampaignAsAdmin, useRuntimeApps } from '../support/http-runtime.ts';
import { randomCampaignId, randomUserId } from '../support/mothers.ts';

const ADMIN = 'jwt-test-admin-token-0123456';
const SECRET = 'an-hs256-secret-of-at-least-32-characters';
const appWith = useRuntimeApps();

const rsaKeyPair = () =>
  generateKeyPairSync('rsa', {
    modulusLength: 2048,
    publicKeyEncoding: { type: 'spki', format: 'pem' },
    privateKeyEncoding: { type: 'pkcs8', format: 'pem' },
  });

const nowSeconds = () => Math.floor(Date.now() / 1000);
const claims = (sub: unknown, extra: Record<string, unknown> = {}) => ({
  sub,
  iat: nowSeconds(),
  exp: nowSeconds() + 300,
  ...extra,
});

/** The memory wiring with the given AUTH_MODE settings, and a campaign to apply to. */
async function service(env: Record<string, string>) {
  const { app } = await appWith({ ADMIN_TOKEN: ADMIN, ...env });
  const campaignId = randomCampaignId('jwt');
  await createCampaignAsAdmin(app, ADMIN, { id: campaignId, name: 'JWT drop', totalQuantity: 100 });
  const apply = (init: { token?: string; body?: unknown; headers?: Record<string, string> } = {}) =>
    app.request(`/campaigns/${campaignId}/issuances`, {
      method: 'POST',
      headers: {
        ...(init.body !== undefined ? { 'content-type': 'application/json' } : {}),
        ...(init.token !== undefined ? { authorization: `Bearer ${init.token}` } : {}),
        ...init.headers,
      },
      ...(init.body !== undefined ? { body: JSON.stringify(init.body) } : {}),
    });
  const status = (userId: string, token?: string) =>
    app.request(`/campaigns/${campaignId}/issuances/${userId}`, {
      headers: token !== undefined ? { authorization: `Bearer ${token}` } : {},
    });
  return { app, campaignId, apply, status };
}

async function expectError(res: Response, status: number, code: string) {
  expect(res.status).toBe(status);
  const body = (await res.json()) as { error: { code: string; message: string } };
  expect(body.error.code).toBe(code);
  return body;
}

describe('AUTH_MODE=jwt with HS256 (JWT_SECRET)', () => {
  const env = { AUTH_MODE: 'jwt', JWT_SECRET: SECRET };

  it('takes the user id from a valid token’s sub, with no body at all', async () => {
    const { apply, campaignId } = await service(env);
    const user = randomUserId();
    const res = await apply({ token: await sign(claims(user), SECRET, 'HS256') });
    expect(res.status).toBe(201);
    expect(await res.json()).toMatchObject({
      status: 'ISSUED',
      campaignId,
      userId: user,
      sequence: 1,
    });
  });

  it('accepts an empty JSON body and a body that repeats the sub', async () => {
    const { apply } = await service(env);
    const first = randomUserId();
    const second = randomUserId();
    const a = await apply({ token: await sign(claims(first), SECRET, 'HS256'), body: {} });
    expect(a.status).toBe(201);
    const b = await apply({
      token: await sign(claims(second), SECRET, 'HS256'),
      body: { userId: second },
    });
    expect(b.status).toBe(201);
    expect(await b.json()).toMatchObject({ userId: second });
  });

  it('refuses a body user id that differs from the sub: 403 USER_MISMATCH, nothing granted', async () => {
    const { apply, status } = await service(env);
    const me = randomUserId();
    const victim = randomUserId();
    const token = await sign(claims(me), SECRET, 'HS256');
    const body = await expectError(
      await apply({ token, body: { userId: victim } }),
      403,
      'USER_MISMATCH',
    );
    expect(body).toMatchObject({ status: 'USER_MISMATCH', userId: me });
    const check = await status(me, token);
    expect(await check.json()).toMatchObject({ status: 'NOT_ISSUED' });
  });

  it('refuses a missing token with 401 UNAUTHORIZED and a WWW-Authenticate challenge', async () => {
    const { apply } = await service(env);
    const res = await apply({ body: { userId: randomUserId() } });
    await expectError(res, 401, 'UNAUTHORIZED');
    expect(res.headers.get('www-authenticate')).toBe('Bearer realm="coupon"');
  });

  it('refuses an expired token', async () => {
    const { apply } = await service(env);
    const token = await sign(
      claims(randomUserId(), { exp: nowSeconds() - 10, iat: nowSeconds() - 600 }),
      SECRET,
      'HS256',
    );
    const res = await apply({ token });
    const body = await expectError(res, 401, 'UNAUTHORIZED');
    expect(body.error.message).toMatch(/expired/);
    expect(res.headers.get('www-authenticate')).toContain('error="invalid_token"');
  });

  it('refuses a token signed with another secret', async () => {
    const { apply } = await service(env);
    const token = await sign(
      claims(randomUserId()),
      'another-secret-of-at-least-32-characters!',
      'HS256',
    );
    await expectError(await apply({ token }), 401, 'UNAUTHORIZED');
  });

  it('refuses a tampered token (sub changed after signing)', async () => {
    const { apply } = await service(env);
    const [header, , signature] = (await sign(claims('alice'), SECRET, 'HS256')).split('.');
    const payload = Buffer.from(JSON.stringify(claims('mallory'))).toString('base64url');
    await expectError(
      await apply({ token: `${header}.${payload}.${signature}` }),
      401,
      'UNAUTHORIZED',
    );
  });

  it.each([
    ['not a JWT', 'not-a-jwt'],
    ['garbage segments', 'a.b.c'],
    ['an unsigned alg=none token', `${b64({ alg: 'none', typ: 'JWT' })}.${b64(claims('alice'))}.`],
  ])('refuses a malformed token: %s', async (_what, token) => {
    const { apply } = await service(env);
    await expectError(await apply({ token }), 401, 'UNAUTHORIZED');
  });

  it('refuses a non-bearer Authorization header', async () => {
    const { apply } = await service(env);
    const res = await apply({ headers: { authorization: `Basic ${btoa('alice:pw')}` } });
    await expectError(res, 401, 'UNAUTHORIZED');
  });

  it('refuses a token without exp', async () => {
    const { apply } = await service(env);
    const token = await sign({ sub: randomUserId(), iat: nowSeconds() }, SECRET, 'HS256');
    const body = await expectError(await apply({ token }), 401, 'UNAUTHORIZED');
    expect(body.error.message).toMatch(/exp/);
  });

  it.each([
    ['missing', undefined],
    ['not a valid user id', 'bad user "id"'],
    ['too long', 'x'.repeat(65)],
    ['not a string', 42],
  ])('refuses a token whose sub is %s with 401 INVALID_SUBJECT', async (_what, sub) => {
    const { apply } = await service(env);
    const token = await sign(claims(sub), SECRET, 'HS256');
    await expectError(await apply({ token }), 401, 'INVALID_SUBJECT');
  });

  it('checks the token before the body: no token and a bad body is still 401', async () => {
    const { apply } = await service(env);
    await expectError(await apply({ body: { userId: 'bad user!' } }), 401, 'UNAUTHORIZED');
  });

  it('still validates the body of an authenticated request', async () => {
    const { apply } = await service(env);
    const token = await sign(claims(randomUserId()), SECRET, 'HS256');
    await expectError(
      await apply({ token, body: { userId: 'bad user!' } }),
      400,
      'VALIDATION_FAILED',
    );
    await expectError(await apply({ token, body: { other: 1 } }), 400, 'VALIDATION_FAILED');
    const res = await apply({ token, headers: { 'content-type': 'text/plain' } });
    expect(res.status).toBe(415);
  });

  it('answers the status of the token’s own user only', async () => {
    const { apply, status } = await service(env);
    const me = randomUserId();
    const token = await sign(claims(me), SECRET, 'HS256');
    expect((await apply({ token })).status).toBe(201);
    const mine = await status(me, token);
    expect(mine.status).toBe(200);
    expect(await mine.json()).toMatchObject({ status: 'ISSUED', userId: me });
    await expectError(await status(randomUserId(), token), 403, 'USER_MISMATCH');
    await expectError(await status(me), 401, 'UNAUTHORIZED');
  });

  it('checks iss and aud when JWT_ISSUER / JWT_AUDIENCE are set', async () => {
    const { apply } = await service({
      ...env,
      JWT_ISSUER: 'https://id.example',
      JWT_AUDIENCE: 'coupons',
    });
    const good = await sign(
      claims(randomUserId(), { iss: 'https://id.example', aud: 'coupons' }),
      SECRET,
      'HS256',
    );
    expect((await apply({ token: good })).status).toBe(201);
    const wrongIssuer = await sign(
      claims(randomUserId(), { iss: 'https://evil.example', aud: 'coupons' }),
      SECRET,
      'HS256',
    );
    await expectError(await apply({ token: wrongIssuer }), 401, 'UNAUTHORIZED');
    const noAudience = await sign(
      claims(randomUserId(), { iss: 'https://id.example' }),
      SECRET,
      'HS256',
    );
    await expectError(await apply({ token: noAudience }), 401, 'UNAUTHORIZED');
  });

  it('decides a segment campaign by the verified eligibility claim (ELIGIBILITY_CLAIM)', async () => {
    const { app } = await appWith({ ADMIN_TOKEN: ADMIN, ...env, ELIGIBILITY_CLAIM: 'tier' });
    const campaignId = randomCampaignId('vip');
    await createCampaignAsAdmin(app, ADMIN, {
      id: campaignId,
      name: 'Members',
      eligibility: { kind: 'segment', segment: 'gold' },
    });
    const applyWith = async (extra: Record<string, unknown>) =>
      app.request(`/campaigns/${campaignId}/issuances`, {
        method: 'POST',
        headers: {
          authorization: `Bearer ${await sign(claims(randomUserId(), extra), SECRET, 'HS256')}`,
        },
      });

    expect((await applyWith({ tier: 'gold' })).status).toBe(201);
    await expectError(await applyWith({ tier: 'silver' }), 403, 'NOT_ELIGIBLE');
    // Another claim of the same value is not the configured one.
    await expectError(await applyWith({ segment: 'gold' }), 403, 'NOT_ELIGIBLE');
    await expectError(await applyWith({}), 403, 'NOT_ELIGIBLE');
  });

  it('leaves the admin routes on their own bearer token', async () => {
    const { app } = await service(env);
    expect(
      (await app.request('/admin/campaigns', { headers: { authorization: `Bearer ${ADMIN}` } }))
        .status,
    ).toBe(200);
  });
});

describe('AUTH_MODE=jwt with RS256 (JWT_PUBLIC_KEY)', () => {
  it('accepts a token signed by the matching private key', async () => {
    const { publicKey, privateKey } = rsaKeyPair();
    const { apply } = await service({ AUTH_MODE: 'jwt', JWT_PUBLIC_KEY: publicKey });
    const user = randomUserId();
    const res = await apply({ token: await sign(claims(user), privateKey, 'RS256') });
    expect(res.status).toBe(201);
    expect(await res.json()).toMatchObject({ userId: user });
  });

  it('refuses a token signed by another key pair', async () => {
    const { publicKey } = rsaKeyPair();
    const other = rsaKeyPair();
    const { apply } = await service({ AUTH_MODE: 'jwt', JWT_PUBLIC_KEY: publicKey });
    await expectError(
      await apply({ token: await sign(claims(randomUserId()), other.privateKey, 'RS256') }),
      401,
      'UNAUTHORIZED',
    );
  });

  it('refuses an HS256 token made with the public key as secret (algorithm confusion)', async () => {
    const { publicKey } = rsaKeyPair();
    const { apply } = await service({ AUTH_MODE: 'jwt', JWT_PUBLIC_KEY: publicKey });
    const forged = await sign(claims(randomUserId()), publicKey, 'HS256');
    await expectError(await apply({ token: forged }), 401, 'UNAUTHORIZED');
  });

  it('accepts the key as one line with \\n escapes, or as PKCS#1 (RSA PUBLIC KEY)', async () => {
    const { publicKey, privateKey } = generateKeyPairSync('rsa', {
      modulusLength: 2048,
      publicKeyEncoding: { type: 'pkcs1', format: 'pem' },
      privateKeyEncoding: { type: 'pkcs8', format: 'pem' },
    });
    const { apply } = await service({
      AUTH_MODE: 'jwt',
      JWT_PUBLIC_KEY: publicKey.replace(/\n/g, '\\n'),
    });
    expect(
      (await apply({ token: await sign(claims(randomUserId()), privateKey, 'RS256') })).status,
    ).toBe(201);
  });
});

describe('AUTH_MODE=body (the default)', () => {
  it('takes the user id from the body and ignores any Authorization header', async () => {
    const { apply } = await service({});
    const user = randomUserId();
    const res = await apply({
      body: { userId: user },
      headers: { authorization: 'Bearer whatever' },
    });
    expect(res.status).toBe(201);
    expect(await res.json()).toMatchObject({ userId: user });
  });

  it('still requires a JSON body with a userId', async () => {
    const { apply } = await service({});
    expect((await apply()).status).toBe(415);
    await expectError(await apply({ body: {} }), 400, 'VALIDATION_FAILED');
  });
});

describe('JWT configuration is validated at boot', () => {
  const configError = (env: Record<string, string>) => {
    try {
      loadConfig(env);
    } catch (error) {
      expect(error).toBeInstanceOf(ConfigError);
      return (error as Error).message;
    }
    throw new Error('expected a ConfigError');
  };

  it('defaults to body mode', () => {
    expect(loadConfig({}).AUTH_MODE).toBe('body');
  });

  it('names JWT_SECRET when jwt mode has no key', () => {
    expect(configError({ AUTH_MODE: 'jwt' })).toMatch(
      /^invalid configuration: JWT_SECRET: is required when AUTH_MODE=jwt/,
    );
  });

  it('refuses a short HS256 secret', () => {
    expect(configError({ AUTH_MODE: 'jwt', JWT_SECRET: 'short' })).toMatch(
      /JWT_SECRET: must be at least 32/,
    );
  });

  it('refuses a JWT_PUBLIC_KEY that is not an RSA public key, and a private key', () => {
    expect(configError({ AUTH_MODE: 'jwt', JWT_PUBLIC_KEY: 'not a pem' })).toMatch(
      /JWT_PUBLIC_KEY: must be an RSA public key/,
    );
    const { privateKey } = rsaKeyPair();
    expect(configError({ AUTH_MODE: 'jwt', JWT_PUBLIC_KEY: privateKey })).toMatch(
      /JWT_PUBLIC_KEY: must be a public key/,
    );
    const ec = generateKeyPairSync('ec', {
      namedCurve: 'P-256',
      publicKeyEncoding: { type: 'spki', format: 'pem' },
      privateKeyEncoding: { type: 'pkcs8', format: 'pem' },
    });
    expect(configError({ AUTH_MODE: 'jwt', JWT_PUBLIC_KEY: ec.publicKey })).toMatch(
      /JWT_PUBLIC_KEY: must be an RSA public key/,
    );
  });

  it('refuses both keys at once', () => {
    const { publicKey } = rsaKeyPair();
    expect(
      configError({ AUTH_MODE: 'jwt', JWT_SECRET: SECRET, JWT_PUBLIC_KEY: publicKey }),
    ).toMatch(/JWT_PUBLIC_KEY: set either/);
  });

  it('refuses an unknown AUTH_MODE', () => {
    expect(configError({ AUTH_MODE: 'cookie' })).toMatch(/AUTH_MODE/);
  });
});

function b64(value: object): string {
  return Buffer.from(JSON.stringify(value)).toString('base64url');
}
