/**
 * npm run rebuild-ledger -- <campaignId>
 * Restores a campaign's ledger (rules, winners, count, sequence) from MySQL after Redis lost it.
 * Run it once the consumer has drained the topic. Idempotent.
 */
import './require-node.ts'; // first: stops an older Node with one clear line
import { parseCampaignId } from '../domain/ids.ts';
import { runCommand } from './cli.ts';
import { TOKENS } from './tokens.ts';

await runCommand('rebuild-ledger', ['DATABASE_URL'], async (runtime) => {
  if (runtime.wiring.ledger === 'memory') {
    process.stderr.write(
      'rebuild-ledger: set REDIS_URL or REDIS_CLUSTER_NODES (the ledger to rebuild)\n',
    );
    return 2;
  }
  const id = parseCampaignId(process.argv[2]);
  if (!id.ok) {
    process.stderr.write(
      `usage: npm run rebuild-ledger -- <campaignId> (${id.problems[0]?.message})\n`,
    );
    return 2;
  }
  const outcome = await runtime.container.get(TOKENS.rebuildLedger).execute(id.value);
  if (outcome.kind === 'unknown-campaign') {
    process.stderr.write(`rebuild-ledger: no campaign ${id.value} in the database\n`);
    return 1;
  }
  process.stdout.write(`rebuild-ledger: ${id.value} restored with ${outcome.coupons} coupons\n`);
  return 0;
});
