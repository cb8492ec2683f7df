/**
 * npm run audit -- <campaignId> [--repair]
 * The persistence audit of one campaign, now (issue 22): compares the ledger's grants with
 * MySQL's rows by sequence range and prints the comparison; --repair re-emits every grant
 * without a row through the normal path (outbox, relay, Kafka, the consumer's insert).
 */
import './require-node.ts'; // first: stops an older Node with one clear line
import type { PersistenceFinding } from '../../application/audit/persistence-finding.ts';
import { runCommand } from './cli.ts';
import { campaignArgument } from './cli-options.ts';
import { requireLedger } from '../config.ts';

const USAGE = `
npm run audit -- <campaignId> [--repair] [--verbose]

Compares one campaign's ledger (the grants, what users were told) with MySQL's rows, counting
AUDIT_RANGE_SIZE sequences at a time on both sides and listing only the ranges that differ, and
prints what it found: grants without a row, rows without a grant. The API does the same every
AUDIT_INTERVAL_MS by itself; use this after Kafka or MySQL lost data (a deleted topic, a failover
to a lagging replica, a restore) to see the damage, and --repair to repair now. Exit 0 when both
sides agree, 1 when they differ. Needs REDIS_URL (or REDIS_CLUSTER_NODES / REDIS_SENTINELS),
KAFKA_BROKERS and DATABASE_URL.

  --repair      re-emit every grant without a row older than AUDIT_GRACE_MS (never a row the
                ledger does not hold; rows without a grant are only reported)
  --verbose     show the run's log, and the stack of an unexpected error
  -h, --help    this text
`;

/** The comparison, one figure a line, as an operator reads it. */
function describe(finding: PersistenceFinding): string {
  const lines = [
    `grants in the ledger      ${finding.grants}`,
    `rows in MySQL             ${finding.rows}`,
    `ranges that differ        ${finding.mismatchedRanges} (${finding.listedRanges} listed)`,
    `grants without a row      ${finding.missing}` +
      (finding.missing > 0 ? ` (oldest ${Math.round(finding.oldestMissingAgeMs / 1000)} s)` : ''),
    `rows without a grant      ${finding.foreign}` + (finding.foreign > 0 ? ' (not deleted)' : ''),
    `re-emitted now            ${finding.repaired}` +
      (finding.deferred ? ` (not repaired: ${finding.deferred})` : ''),
  ];
  return lines.map((line) => `  ${line}\n`).join('');
}

await runCommand(
  {
    name: 'audit',
    usage: USAGE,
    needs: ['DATABASE_URL', 'KAFKA_BROKERS'],
    // Before connecting to anything: an in-memory ledger holds nothing to audit.
    check: requireLedger,
    options: { repair: { type: 'boolean' } },
    maxPositionals: 1,
    checkArgs: (args) => campaignArgument('audit', 'audit', args.positionals),
  },
  async (runtime, args) => {
    const campaignId = campaignArgument('audit', 'audit', args.positionals);
    const outcome = await runtime.persistenceAudit.audit(campaignId, args.values.repair === true);
    switch (outcome.kind) {
      case 'unavailable':
        process.stderr.write(`audit: ${campaignId} cannot be audited: ${outcome.reason}\n`);
        return 1;
      case 'busy':
        process.stderr.write(
          `audit: another process is auditing ${campaignId} (its cycle repairs); try again\n`,
        );
        return 1;
      case 'audited': {
        const { finding } = outcome;
        const verdict = finding.clean ? 'both sides agree' : 'the two sides differ';
        process.stdout.write(`audit: ${campaignId}: ${verdict}\n${describe(finding)}`);
        // What it re-emitted counts in the campaign's report, like an API process's audit.
        if (finding.repaired > 0 && (await runtime.core.flushReport.flushNow()) === 0) {
          process.stderr.write(
            `audit: the report of ${campaignId} could not be updated (its store did not answer); ` +
              `it misses these ${finding.repaired} re-emitted grants\n`,
          );
        }
        return finding.clean ? 0 : 1;
      }
    }
  },
);
