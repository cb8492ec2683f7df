/**
 * Variant 4, the first Redis design: Redis decides (one tiny script: dedupe, cap, INCR), then
 * every grant is INSERTed into MySQL before answering. The count is exact, but MySQL takes one
 * write per grant, at the stampede's pace, on the request path.
 */
import { Hono } from 'hono';
import { Redis } from 'ioredis';
import { createPool } from 'mysql2/promise';
import { BENCH_TABLES, incrKeys } from '../bench-schema.ts';
import { serveVariant, userIdOf } from './variant-server.ts';

// KEYS users set, count, total; ARGV userId. -2 unknown campaign, -1 already issued, 0 sold out,
// else the sequence granted.
const DECIDE = `
local total = tonumber(redis.call('GET', KEYS[3]))
if not total then return -2 end
if redis.call('SISMEMBER', KEYS[1], ARGV[1]) == 1 then return -1 end
if (tonumber(redis.call('GET', KEYS[2])) or 0) >= total then return 0 end
redis.call('SADD', KEYS[1], ARGV[1])
return redis.call('INCR', KEYS[2])`;

const redis = new Redis(process.env['REDIS_URL'] ?? '', { enableAutoPipelining: true });
redis.on('error', () => undefined); // a failed command answers 503; no log line per reconnect
redis.defineCommand('decide', { numberOfKeys: 3, lua: DECIDE });
const decide = (keys: string[], userId: string) =>
  (redis as unknown as { decide(...args: string[]): Promise<number> }).decide(...keys, userId);
const pool = createPool({
  uri: process.env['DATABASE_URL'] ?? '',
  connectionLimit: 20,
  timezone: 'Z',
});
const app = new Hono();

app.post('/campaigns/:campaignId/issuances', async (c) => {
  const userId = await userIdOf(c.req);
  if (userId === undefined) return c.json({ error: { code: 'VALIDATION_FAILED' } }, 400);
  const campaignId = c.req.param('campaignId');
  const who = { campaignId, userId };
  const keys = incrKeys(campaignId);
  try {
    const sequence = await decide([keys.users, keys.count, keys.total], userId);
    if (sequence === -2) return c.json({ status: 'CAMPAIGN_NOT_FOUND', ...who }, 404);
    if (sequence === -1)
      return c.json({ status: 'ALREADY_ISSUED', ...who, error: { code: 'ALREADY_ISSUED' } }, 409);
    if (sequence === 0)
      return c.json({ status: 'SOLD_OUT', ...who, error: { code: 'SOLD_OUT' } }, 410);
    const issuedAt = new Date();
    await pool.execute(
      `insert into ${BENCH_TABLES.incrCoupon} (campaign_id, user_id, sequence, issued_at) values (?, ?, ?, ?)`,
      [campaignId, userId, sequence, issuedAt],
    );
    return c.json({ status: 'ISSUED', ...who, sequence, issuedAt: issuedAt.toISOString() }, 201);
  } catch {
    // A failed insert after a grant is this design's known hole: Redis counted a coupon MySQL
    // does not hold. The harness reports it as a Redis/MySQL mismatch.
    return c.json({ error: { code: 'UNAVAILABLE' } }, 503);
  }
});

serveVariant(
  app,
  async () => {
    await pool.end();
    redis.disconnect();
  },
  { drain: true },
);
