/**
 * npm run retry-failed
 * Replays open failed_issuance rows through the idempotent saveAll and marks them resolved.
 */
import './require-node.ts'; // first: stops an older Node with one clear line
import { runCommand } from './cli.ts';
import { TOKENS } from '../wiring/tokens.ts';

await runCommand('retry-failed', ['DATABASE_URL'], async (runtime) => {
  const report = await runtime.container.get(TOKENS.retryFailedIssuances).execute();
  process.stdout.write(
    `retry-failed: ${report.resolved} resolved, ${report.stillFailing} still failing\n`,
  );
  return report.stillFailing === 0 ? 0 : 1;
});
