/**
 * Variant 1, the ceiling: bare Hono on @hono/node-server that parses the same JSON body (through
 * Hono's `c.req.json()`) and answers 201 with a body of the same shape, with no I/O at all.
 *
 * CEILING_MODE selects an experiment instead (harness variants `ceiling-yield` and
 * `ceiling-node-body`), each pricing one effect the profiles point at:
 * - `yield`: the same, plus one `await setImmediate` before answering (still no I/O);
 * - `node-body`: the body read from Node's IncomingMessage instead of a Web Request.
 */
import type { HttpBindings } from '@hono/node-server';
import { Hono } from 'hono';
import { setImmediate as nextTurn } from 'node:timers/promises';
import { serveVariant, userIdFromNode, userIdOf } from './variant-server.ts';

const mode = process.env['CEILING_MODE'] ?? 'ceiling';
const app = new Hono<{ Bindings: HttpBindings }>();
app.post('/campaigns/:campaignId/issuances', async (c) => {
  const userId =
    mode === 'node-body' ? await userIdFromNode(c.env.incoming) : await userIdOf(c.req);
  if (userId === undefined) return c.json({ error: { code: 'VALIDATION_FAILED' } }, 400);
  if (mode === 'yield') await nextTurn();
  const campaignId = c.req.param('campaignId');
  return c.json(
    { status: 'ISSUED', campaignId, userId, sequence: 1, issuedAt: new Date().toISOString() },
    201,
  );
});
serveVariant(app);
