/**
 * npm run rebuild-ledger -- <campaignId> [--force]
 * Reconciles a campaign's ledger with the durable record, the same way the API does by itself:
 * merges MySQL's winners with the ledger's, never lowers a count, lays the campaign out in this
 * process's LEDGER_SHARDS mode. Refuses while events are in flight or the campaign has open
 * failed_issuance rows, unless --force. Idempotent.
 */
import './require-node.ts'; // first: stops an older Node with one clear line
import { runCommand } from './cli.ts';
import { campaignArgument, CliFailure } from './cli-options.ts';
import { requireLedger } from '../config.ts';

const USAGE = `
npm run rebuild-ledger -- <campaignId> [--force] [--verbose]

Reconciles one campaign's ledger with the durable record, as the API does by itself: merges
MySQL's winners with the ledger's, never lowers a count, and lays the campaign out in this
process's LEDGER_SHARDS mode (how a campaign switches layout). Refuses while events are still
in flight or the campaign has open failed_issuance rows. Idempotent. Needs REDIS_URL (or
REDIS_CLUSTER_NODES / REDIS_SENTINELS), KAFKA_BROKERS and DATABASE_URL.

  --force       reconcile even with events in flight or open failures
  --verbose     show the run's log, and the stack of an unexpected error
  -h, --help    this text
`;

await runCommand(
  {
    name: 'rebuild-ledger',
    usage: USAGE,
    needs: ['DATABASE_URL', 'KAFKA_BROKERS'],
    // Before connecting to anything: an in-memory ledger is nothing to rebuild.
    check: requireLedger,
    options: { force: { type: 'boolean' } },
    maxPositionals: 1,
    checkArgs: (args) => campaignArgument('rebuild-ledger', 'rebuild', args.positionals),
  },
  async (runtime, args) => {
    const campaignId = campaignArgument('rebuild-ledger', 'rebuild', args.positionals);
    if (runtime.wiring.ledger === 'memory') {
      throw new CliFailure(
        'set REDIS_URL, REDIS_CLUSTER_NODES or REDIS_SENTINELS (the ledger to rebuild)',
        2,
      );
    }
    const force = args.values.force === true;
    const outcome = await runtime.core.rebuildLedger.execute(campaignId, { force });
    switch (outcome.kind) {
      case 'unknown-campaign':
        process.stderr.write(`rebuild-ledger: no campaign ${campaignId} in the database\n`);
        return 1;
      case 'refused':
        process.stderr.write(
          `rebuild-ledger: refused for ${campaignId}: ${outcome.reason}; wait, or pass --force\n`,
        );
        return 1;
      case 'busy':
        process.stderr.write(
          `rebuild-ledger: another process is reconciling ${campaignId}; try again\n`,
        );
        return 1;
      case 'rebuilt':
        process.stdout.write(
          `rebuild-ledger: ${campaignId} reconciled: ${outcome.winners} winners, ` +
            `${outcome.fromRecord} of them restored from the durable record\n`,
        );
        return 0;
    }
  },
);
