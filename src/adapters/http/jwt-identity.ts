import { createPublicKey, webcrypto } from 'node:crypto';
import type { Context, MiddlewareHandler } from 'hono';
import { verify } from 'hono/jwt';
import { JwtTokenExpired } from 'hono/utils/jwt/types';
import { SEGMENT } from '../../domain/campaign.ts';
import { parseUserId, USER_ID_RULE } from '../../domain/ids.ts';
import { errorBody } from './error-body.ts';
import type { AuthSettings } from './http-dependencies.ts';

type JwtSettings = Extract<AuthSettings, { mode: 'jwt' }>;

const BEARER = /^Bearer +([A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]*)$/i;

/**
 * AUTH_MODE=jwt: the caller is the `sub` of a bearer JWT verified with the configured key, and
 * nobody else. Sets `authenticatedUserId`; the route then refuses a body or path user id that
 * differs (403 USER_MISMATCH). The eligibility claim (ELIGIBILITY_CLAIM), when the token has one,
 * sets `applicantSegment`: what a `segment` campaign compares. Missing, malformed, expired, not-yet-valid or wrongly signed
 * tokens, and tokens signed with another algorithm than the configured one (no algorithm
 * confusion), get 401 UNAUTHORIZED in the API's error shape. Tokens must expire (`exp`).
 */
export function jwtIdentity(settings: JwtSettings): MiddlewareHandler {
  let key: Promise<webcrypto.CryptoKey> | undefined;
  const options = {
    alg: settings.algorithm,
    ...(settings.issuer !== undefined ? { iss: settings.issuer } : {}),
    ...(settings.audience !== undefined ? { aud: settings.audience } : {}),
  };
  return async (c, next) => {
    const match = BEARER.exec(c.req.header('authorization') ?? '');
    if (!match?.[1]) return unauthorized(c, 'UNAUTHORIZED', 'a bearer token is required');
    let payload: Record<string, unknown>;
    try {
      // Imported once: importing the key on every request would cost more than verifying.
      key ??= importVerifyKey(settings);
      payload = await verify(match[1], await key, options);
    } catch (error) {
      const message =
        error instanceof JwtTokenExpired ? 'the token has expired' : 'the token is not valid';
      return unauthorized(c, 'UNAUTHORIZED', message);
    }
    if (typeof payload['exp'] !== 'number') {
      return unauthorized(c, 'UNAUTHORIZED', 'the token must have an expiry (exp)');
    }
    const subject = parseUserId(payload['sub'], 'sub');
    if (!subject.ok) {
      return unauthorized(c, 'INVALID_SUBJECT', `the token's subject (sub) ${USER_ID_RULE}`);
    }
    c.set('authenticatedUserId', subject.value);
    // Only what a segment could be: any other value simply matches no campaign's segment.
    const segment = payload[settings.segmentClaim ?? 'segment'];
    if (typeof segment === 'string' && SEGMENT.test(segment)) c.set('applicantSegment', segment);
    await next();
    return undefined;
  };
}

function unauthorized(c: Context, code: string, message: string): Response {
  const error =
    code === 'UNAUTHORIZED' && message.startsWith('a bearer') ? '' : ', error="invalid_token"';
  c.header('WWW-Authenticate', `Bearer realm="coupon"${error}`);
  return c.json(errorBody(code, message), 401);
}

async function importVerifyKey(settings: JwtSettings): Promise<webcrypto.CryptoKey> {
  if (settings.algorithm === 'HS256') {
    return webcrypto.subtle.importKey(
      'raw',
      new TextEncoder().encode(settings.key),
      { name: 'HMAC', hash: 'SHA-256' },
      false,
      ['verify'],
    );
  }
  const spki = createPublicKey(settings.key).export({ type: 'spki', format: 'der' });
  return webcrypto.subtle.importKey(
    'spki',
    spki,
    { name: 'RSASSA-PKCS1-v1_5', hash: 'SHA-256' },
    false,
    ['verify'],
  );
}
