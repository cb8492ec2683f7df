import './require-node.ts'; // first: stops an older Node with one clear line

/**
 * `node dist/bootstrap/entrypoints/healthcheck.js [port]`: the container healthcheck (the slim image has no
 * curl). Exits 0 when the process on this host answers /health/live with 2xx within 2 s, else 1.
 * The port is the argument, else PORT (the API's), else 3000; the consumer passes its metrics
 * port (METRICS_PORT, 9464 by default), which serves the same /health/live.
 */
const port = Number(process.argv[2] ?? process.env['PORT'] ?? 3000);
try {
  const response = await fetch(`http://127.0.0.1:${port}/health/live`, {
    signal: AbortSignal.timeout(2000),
  });
  process.exit(response.ok ? 0 : 1);
} catch {
  process.exit(1);
}
