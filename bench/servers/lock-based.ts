/**
 * Variant 3, lock-based: every application is one MySQL transaction that locks the campaign row
 * (`SELECT … FOR UPDATE`), counts the user's coupons and the campaign's, and inserts. Correct,
 * but every application of a campaign queues behind that one row lock.
 */
import { Hono } from 'hono';
import { createPool, type RowDataPacket } from 'mysql2/promise';
import { BENCH_TABLES } from '../bench-schema.ts';
import { serveVariant, userIdOf } from './variant-server.ts';

const { campaign: CAMPAIGN, lockCoupon: COUPON } = BENCH_TABLES;
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
  const connection = await pool.getConnection();
  try {
    await connection.beginTransaction();
    const [campaigns] = await connection.execute<RowDataPacket[]>(
      `select total_quantity from ${CAMPAIGN} where id = ? for update`,
      [campaignId],
    );
    const total = campaigns[0]?.['total_quantity'] as number | undefined;
    const reject = async (status: 404 | 409 | 410, code: string) => {
      await connection.rollback();
      return c.json({ status: code, ...who, error: { code } }, status);
    };
    if (total === undefined) return await reject(404, 'CAMPAIGN_NOT_FOUND');
    const [[mine]] = await connection.execute<RowDataPacket[]>(
      `select count(*) as n from ${COUPON} where campaign_id = ? and user_id = ?`,
      [campaignId, userId],
    );
    if (Number(mine?.['n']) > 0) return await reject(409, 'ALREADY_ISSUED');
    const [[all]] = await connection.execute<RowDataPacket[]>(
      `select count(*) as n from ${COUPON} where campaign_id = ?`,
      [campaignId],
    );
    const issued = Number(all?.['n']);
    if (issued >= total) return await reject(410, 'SOLD_OUT');
    const issuedAt = new Date();
    await connection.execute(
      `insert into ${COUPON} (campaign_id, user_id, sequence, issued_at) values (?, ?, ?, ?)`,
      [campaignId, userId, issued + 1, issuedAt],
    );
    await connection.commit();
    return c.json(
      { status: 'ISSUED', ...who, sequence: issued + 1, issuedAt: issuedAt.toISOString() },
      201,
    );
  } catch {
    await connection.rollback().catch(() => undefined);
    return c.json({ error: { code: 'STORE_UNAVAILABLE' } }, 503);
  } finally {
    connection.release();
  }
});

serveVariant(app, () => pool.end(), { drain: true });
