/**
 * Runs every scaling measurement one after the other and writes bench/scaling/results.json
 * (the figures docs/scaling.md is built on), with the machine they were taken on.
 *
 *   eval "$(bash scripts/services.sh env)"
 *   npx tsx bench/scaling/run.ts [--quick]
 *
 * Each measurement is its own process (so none inherits another's JIT, heap or connections).
 * Numbers from a small shared machine are noisy: the figures that carry over to other machines
 * are the per-core costs (µs of Redis CPU per decision, requests per API core, rows per
 * partition), which is what docs/scaling.md's arithmetic uses.
 */
import { execFileSync } from 'node:child_process';
import { cpus, loadavg, totalmem } from 'node:os';
import { writeFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { format } from 'prettier';

const { values: args } = parseArgs({ options: { quick: { type: 'boolean', default: false } } });
const seconds = args.quick ? '3' : '5';

/** One measurement in its own process; a failed one (a service restarted meanwhile) is recorded. */
const run = (script: string, ...scriptArgs: string[]): unknown => {
  process.stderr.write(`» ${script} ${scriptArgs.join(' ')}\n`);
  try {
    return measure(script, scriptArgs);
  } catch (error) {
    return { error: error instanceof Error ? error.message.split('\n')[0] : String(error) };
  }
};

const measure = (script: string, scriptArgs: string[]): unknown => {
  const output = execFileSync(
    process.execPath,
    ['--import', 'tsx', `bench/scaling/${script}`, ...scriptArgs, '--json'],
    { encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'], timeout: 600_000 },
  );
  const last = output.trim().split('\n').at(-1) ?? '{}';
  return JSON.parse(last) as unknown;
};

const machine = {
  cpus: cpus().length,
  cpuModel: cpus()[0]?.model ?? 'unknown',
  memoryGiB: Math.round(totalmem() / 2 ** 30),
  node: process.version,
  loadAverageAtStart: loadavg().map((n) => Math.round(n * 100) / 100),
  takenAt: new Date().toISOString(),
};

const decisions = (...extra: string[]) => run('redis-decisions.ts', '--seconds', seconds, ...extra);

const results = {
  machine,
  redisDecisions: {
    singleGrant: decisions('--target', 'single'),
    singleSoldOut: decisions('--target', 'single', '--path', 'sold-out'),
    clusterOneCampaignGrant: decisions('--target', 'cluster'),
    clusterShardedGrant: decisions('--target', 'cluster', '--shards', '3'),
    clusterShardedSoldOut: decisions('--target', 'cluster', '--shards', '3', '--path', 'sold-out'),
  },
  api: run('api-throughput.ts', '--seconds', args.quick ? '5' : '10'),
  consumer: {
    onePartition: run('consumer-partition.ts', '--events', '100000', '--partitions', '1'),
    threePartitions: run('consumer-partition.ts', '--events', '150000', '--partitions', '3'),
  },
  loadAverageAtEnd: loadavg().map((n) => Math.round(n * 100) / 100),
};

// Formatted as `npm run format:check` expects, so a fresh run leaves the tree clean.
writeFileSync(
  new URL('./results.json', import.meta.url),
  await format(JSON.stringify(results), { parser: 'json' }),
);
process.stderr.write('wrote bench/scaling/results.json\n');
