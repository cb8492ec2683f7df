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
 * exits cleanly on SIGTERM (so `--cpu-prof` gets to write its profile), `close` ending its stores.
 *
 * `drain`: for a variant whose handlers queue for a store (the MySQL pools of lock-based and
 * incr-insert), SIGTERM first lets the handlers already running finish (up to 5 s): a pool ended
 * under them printed a "Pool is closed" per queued request. Off for the others, so the ceiling
 * and the reference pay nothing per request for it.
 */
export function serveVariant<E extends Env>(
  app: Hono<E>,
  close: () => Promise<void> = async () => {},
  options: { readonly drain?: boolean } = {},
): void {
  app.get('/health', (c) => c.text('ok'));
  let inFlight = 0;
  let drained: (() => void) | undefined;
  const counted = async (request: Request, env: unknown) => {
    inFlight++;
    try {
      return await app.fetch(request, env as E['Bindings']);
    } finally {
      if (--inFlight === 0) drained?.();
    }
  };
  const server = serve({
    fetch: options.drain ? counted : app.fetch,
    port: Number(process.env['PORT'] ?? 0),
    hostname: '127.0.0.1',
  });
  const idle = () =>
    new Promise<void>((resolve) => {
      drained = resolve;
      if (inFlight === 0) resolve();
      setTimeout(resolve, 5_000).unref();
    });
  const stop = () => {
    server.close();
    if ('closeAllConnections' in server) server.closeAllConnections();
    void idle()
      .then(close)
      .finally(() => process.exit(0));
  };
  process.once('SIGTERM', stop);
  process.once('SIGINT', stop);
}
