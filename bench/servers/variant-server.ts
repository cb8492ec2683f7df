import type { IncomingMessage } from 'node:http';
import { serve } from '@hono/node-server';
import type { Env, Hono } from 'hono';

/** What every variant reads from a request: the same `{"userId":"…"}` body the service takes. */
export async function userIdOf(request: { json<T>(): Promise<T> }): Promise<string | undefined> {
  try {
    const body = await request.json<{ userId?: unknown }>();
    return typeof body.userId === 'string' && body.userId.length > 0 ? body.userId : undefined;
  } catch {
    return undefined;
  }
}

/**
 * The same, read straight from Node's IncomingMessage: no Web Request, ReadableStream or
 * AbortSignal is built (the experiment that prices @hono/node-server's body path).
 */
export async function userIdFromNode(incoming: IncomingMessage): Promise<string | undefined> {
  const chunks: Buffer[] = [];
  for await (const chunk of incoming) chunks.push(chunk as Buffer);
  try {
    const body = JSON.parse(Buffer.concat(chunks).toString('utf8')) as { userId?: unknown };
    return typeof body.userId === 'string' && body.userId.length > 0 ? body.userId : undefined;
  } catch {
    return undefined;
  }
}

/**
 * Serves a variant's Hono app on 127.0.0.1:$PORT with a `/health` route the harness polls, and
 * exits cleanly on SIGTERM (so `--cpu-prof` gets to write its profile).
 */
export function serveVariant<E extends Env>(
  app: Hono<E>,
  close: () => Promise<void> = async () => {},
): void {
  app.get('/health', (c) => c.text('ok'));
  const server = serve({
    fetch: app.fetch,
    port: Number(process.env['PORT'] ?? 0),
    hostname: '127.0.0.1',
  });
  const stop = () => {
    server.close();
    if ('closeAllConnections' in server) server.closeAllConnections();
    void close().finally(() => process.exit(0));
  };
  process.once('SIGTERM', stop);
  process.once('SIGINT', stop);
}
