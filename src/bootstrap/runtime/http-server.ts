import type { ServerResponse } from 'node:http';
import { serve, type Http2Bindings, type HttpBindings, type ServerType } from '@hono/node-server';

/** Starts the HTTP server; resolves with the bound port (PORT=0 picks a free one). */
export function startHttpServer(
  app: {
    fetch: (request: Request, env: HttpBindings | Http2Bindings) => Response | Promise<Response>;
  },
  port: number,
  hostname: string,
): Promise<{ server: ServerType; port: number; close(): Promise<void> }> {
  return new Promise((resolve, reject) => {
    let closing = false;
    // The env (node-server's `incoming`/`outgoing`) is passed on: getConnInfo reads the client's
    // socket address from it (per-address rate limits).
    const server = serve(
      { fetch: (request, env) => app.fetch(request, env), port, hostname },
      (info) => {
        resolve({
          server,
          port: info.port,
          // Stop accepting, let in-flight requests finish, drop idle keep-alive sockets.
          close: () =>
            new Promise<void>((done) => {
              closing = true;
              server.close(() => done());
              if ('closeIdleConnections' in server) server.closeIdleConnections();
            }),
        });
      },
    );
    // server.close() only stops NEW connections: a keep-alive client (a load balancer, a
    // stampede) keeps sending requests on the ones it has, Node keeps serving them, and close()
    // would not finish before the shutdown timeout under load. Once closing, every response
    // says `Connection: close`, so each connection ends after the request it is serving.
    // Prepended: it must run before the app writes the head.
    server.prependListener('request', (_request: unknown, response: ServerResponse) => {
      if (closing && !response.headersSent) response.setHeader('connection', 'close');
    });
    server.once('error', reject);
  });
}
