/**
 * Variant 2, the reference: the thinnest apply path of this stack (issue 14), what the service is
 * measured against. Hono on @hono/node-server 2, a strict body check, and ONE auto-pipelined
 * EVALSHA of the service's own reserve script (src/adapters/redis/reserve.lua behind its
 * ledger-run.lua fence, loaded through the same ScriptSource, so the same keys, arguments and
 * Redis calls). No logging, no metrics, no request ids, no use case: whatever the service spends
 * beyond this is its own.
 *
 * The body check answers like the service (415, 413, 400 with the same codes), with one shortcut
 * the load never meets: a body without a declared Content-Length is refused (411) instead of
 * being counted as it streams.
 */
import { Hono, type Context } from 'hono';
import { Redis } from 'ioredis';
import { RedisKeys } from '../../src/adapters/redis/redis-keys.ts';
import { registerScript, RESERVE } from '../../src/adapters/redis/redis-scripts.ts';
import { CAMPAIGN_ID, USER_ID, type CampaignId } from '../../src/domain/ids.ts';
import { REFERENCE_KEY_PREFIX } from '../bench-schema.ts';
import { serveVariant } from './variant-server.ts';

/** The service's default BODY_LIMIT_BYTES. */
const BODY_LIMIT_BYTES = Number(process.env['BODY_LIMIT_BYTES'] ?? 4096);
const JSON_TYPE = /^application\/json\s*(;|$)/i;

const redis = new Redis(process.env['REDIS_URL'] ?? '', {
  enableAutoPipelining: true,
  protocol: 2, // the service's wire format (src/adapters/redis/redis-client.ts)
  maxRetriesPerRequest: 0,
});
redis.on('error', () => undefined); // a failed command answers 503; no log line per reconnect
const reserve = registerScript(redis, RESERVE);
const keys = new RedisKeys(REFERENCE_KEY_PREFIX);

const fail = (c: Context, status: 400 | 411 | 413 | 415 | 503, code: string) =>
  c.json({ error: { code, message: code } }, status);

/** `{"userId": "…"}` and nothing else, the id by the domain's rule (the service's ApplyBody). */
function userIdIn(body: unknown): string | undefined {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) return undefined;
  const { userId, ...rest } = body as { userId?: unknown };
  if (typeof userId !== 'string' || !USER_ID.test(userId)) return undefined;
  return Object.keys(rest).length === 0 ? userId : undefined;
}

const app = new Hono();
app.post('/campaigns/:campaignId/issuances', async (c) => {
  if (!JSON_TYPE.test(c.req.header('content-type') ?? ''))
    return fail(c, 415, 'UNSUPPORTED_MEDIA_TYPE');
  const declared = Number(c.req.header('content-length') ?? Number.NaN);
  if (!Number.isSafeInteger(declared) || c.req.header('transfer-encoding') !== undefined)
    return fail(c, 411, 'LENGTH_REQUIRED');
  if (declared > BODY_LIMIT_BYTES) return fail(c, 413, 'PAYLOAD_TOO_LARGE');
  const campaignId = c.req.param('campaignId') as CampaignId;
  if (!CAMPAIGN_ID.test(campaignId)) return fail(c, 400, 'VALIDATION_FAILED');
  let body: unknown;
  try {
    body = await c.req.json();
  } catch {
    return fail(c, 400, 'MALFORMED_JSON');
  }
  const userId = userIdIn(body);
  if (userId === undefined) return fail(c, 400, 'VALIDATION_FAILED');

  const now = Date.now();
  let reply: unknown;
  try {
    reply = await reserve(...keys.reserveKeys(campaignId), campaignId, userId, now);
  } catch {
    return fail(c, 503, 'LEDGER_UNAVAILABLE');
  }
  const [kind, value] = reply as [string, number];
  const who = { campaignId, userId };
  const rejected = (status: 403 | 404 | 409 | 410 | 503, stable: string) =>
    c.json({ status: stable, ...who, error: { code: stable, message: stable } }, status);
  switch (kind) {
    case 'issued':
      return c.json(
        { status: 'ISSUED', ...who, sequence: value, issuedAt: new Date(now).toISOString() },
        201,
      );
    case 'already-issued':
      return rejected(409, 'ALREADY_ISSUED');
    case 'sold-out':
      return rejected(410, 'SOLD_OUT');
    case 'not-open':
      return rejected(403, 'NOT_OPEN');
    case 'closed':
      return rejected(403, 'CLOSED');
    case 'unknown-campaign':
      return rejected(404, 'CAMPAIGN_NOT_FOUND');
    default:
      return rejected(503, 'LEDGER_NOT_READY');
  }
});

serveVariant(app, async () => {
  redis.disconnect();
});
