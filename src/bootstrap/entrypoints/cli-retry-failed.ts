/**
 * npm run retry-failed
 * Replays open failed_issuance rows through the idempotent saveAll and marks them resolved.
 */
import './require-node.ts'; // first: stops an older Node with one clear line
import { runCommand } from './cli.ts';

const USAGE = `
npm run retry-failed [-- --verbose]

Replays the open rows of failed_issuance (events the consumer could not persist) through the
same idempotent insert, and marks each one it persisted as resolved. Exit 0 when none is left
open, 1 when some still fail (an untrusted event stays open for an operator). Needs
DATABASE_URL.

  --verbose     show the run's log, and the stack of an unexpected error
  -h, --help    this text
`;

await runCommand(
  { name: 'retry-failed', usage: USAGE, needs: ['DATABASE_URL'] },
  async (runtime) => {
    const report = await runtime.core.retryFailedIssuances.execute();
    process.stdout.write(
      `retry-failed: ${report.resolved} resolved, ${report.stillFailing} still failing\n`,
    );
    return report.stillFailing === 0 ? 0 : 1;
  },
);
