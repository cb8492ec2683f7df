import './require-node.ts'; // first: stops an older Node with one clear line
import { parseCli } from './cli-options.ts';

/**
 * `node dist/bootstrap/entrypoints/healthcheck.js [port]`: the container healthcheck (the slim image has no
 * curl). Exits 0 when the process on this host answers /health/live with 2xx within 2 s, else 1.
 * The port is the argument, else PORT (the API's), else 3000; the consumer passes its metrics
 * port (METRICS_PORT, 9464 by default), which serves the same /health/live.
 */
const args = parseCli({
  name: 'healthcheck',
  usage: `
node dist/bootstrap/entrypoints/healthcheck.js [port]

Exits 0 when the process on this host answers /health/live with 2xx within 2 s, else 1 (the
container's HEALTHCHECK). The port is the argument, else PORT, else 3000.
`,
  maxPositionals: 1,
});
const port = Number(args.positionals[0] ?? process.env['PORT'] ?? 3000);
try {
  const response = await fetch(`http://127.0.0.1:${port}/health/live`, {
    signal: AbortSignal.timeout(2000),
  });
  process.exit(response.ok ? 0 : 1);
} catch {
  process.exit(1);
}
