/**
 * A stand-in OpenTelemetry collector for the `service-traced` variant: takes OTLP/HTTP trace
 * exports on /v1/traces, reads each body whole and answers 200, keeping only counts. It runs in
 * its own process, so its CPU is not the service's; what the service pays for tracing (spans,
 * batching, JSON encoding, the export's HTTP) stays in the service's processes.
 */
import { Hono } from 'hono';
import { serveVariant } from './variant-server.ts';

const received = { exports: 0, bytes: 0 };
const app = new Hono();
app.post('/v1/traces', async (c) => {
  const body = await c.req.arrayBuffer();
  received.exports += 1;
  received.bytes += body.byteLength;
  return c.json({});
});
app.get('/received', (c) => c.json(received));
serveVariant(app);
