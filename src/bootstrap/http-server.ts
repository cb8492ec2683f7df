import { serve, type ServerType } from '@hono/node-server';

/** Starts the HTTP server; resolves with the bound port (PORT=0 picks a free one). */
export function startHttpServer(
  app: { fetch: (request: Request) => Response | Promise<Response> },
  port: number,
  hostname: string,
): Promise<{ server: ServerType; port: number; close(): Promise<void> }> {
  return new Promise((resolve, reject) => {
    const server = serve({ fetch: (request) => app.fetch(request), port, hostname }, (info) => {
      resolve({
        server,
        port: info.port,
        // Stop accepting, let in-flight requests finish, drop idle keep-alive sockets.
        close: () =>
          new Promise<void>((done) => {
            server.close(() => done());
            if ('closeIdleConnections' in server) server.closeIdleConnections();
          }),
      });
    });
    server.once('error', reject);
  });
}
