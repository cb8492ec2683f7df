/**
 * npm run rebuild-ledger -- <campaignId> [--force]
 * Reconciles a campaign's ledger with the durable record, the same way the API does by itself:
 * merges MySQL's winners with the ledger's, never lowers a count, lays the campaign out in this
 * process's LEDGER_SHARDS mode. Refuses while events are in flight or the campaign has open
 * failed_issuance rows, unless --force. Idempotent.
 */
import './require-node.ts'; // first: stops an older Node with one clear line
import { parseCampaignId } from '../../domain/ids.ts';
import { runCommand } from './cli.ts';
import { TOKENS } from '../wiring/tokens.ts';

await runCommand('rebuild-ledger', ['DATABASE_URL', 'KAFKA_BROKERS'], async (runtime) => {
  if (runtime.wiring.ledger === 'memory') {
    process.stderr.write(
      'rebuild-ledger: set REDIS_URL or REDIS_CLUSTER_NODES (the ledger to rebuild)\n',
    );
    return 2;
  }
  const args = process.argv.slice(2);
  const force = args.includes('--force');
  const id = parseCampaignId(args.find((arg) => arg !== '--force'));
  if (!id.ok) {
    process.stderr.write(
      `usage: npm run rebuild-ledger -- <campaignId> [--force] (${id.problems[0]?.message})\n`,
    );
    return 2;
  }
  const outcome = await runtime.container.get(TOKENS.rebuildLedger).execute(id.value, { force });
  switch (outcome.kind) {
    case 'unknown-campaign':
      process.stderr.write(`rebuild-ledger: no campaign ${id.value} in the database\n`);
      return 1;
    case 'refused':
      process.stderr.write(
        `rebuild-ledger: refused for ${id.value}: ${outcome.reason}; wait, or pass --force\n`,
      );
      return 1;
    case 'busy':
      process.stderr.write(
        `rebuild-ledger: another process is reconciling ${id.value}; try again\n`,
      );
      return 1;
    case 'rebuilt':
      process.stdout.write(
        `rebuild-ledger: ${id.value} reconciled: ${outcome.winners} winners, ` +
          `${outcome.fromRecord} of them restored from the durable record\n`,
      );
      return 0;
  }
});
