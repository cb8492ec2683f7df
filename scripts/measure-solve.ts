/**
 * npm run measure-solve [-- --difficulties 1000,10000,100000,1000000 --samples 50]
 *
 * How long a client takes to solve one proof-of-work challenge at each difficulty, on this
 * machine: challenges made locally with altcha-lib (the same SHA-256 protocol the service hands
 * out), solved with its solver on one thread (as the demo and the rehearsal do, and as a page
 * does with WebCrypto), and with node:crypto's native SHA-256 (what a macro would use). Prints
 * the median, p95 and mean per difficulty, as the table of docs/proof-of-work.md.
 */
import '../src/bootstrap/entrypoints/require-node.ts';
import { availableParallelism, cpus } from 'node:os';
import { CliFailure, parseCli, runCli } from '../src/bootstrap/entrypoints/cli-options.ts';
import { localSolveTimes } from './lib/solve-proof.ts';
import { percentile } from './lib/shaped-load.ts';

const USAGE = `
npm run measure-solve [-- options]

Solve time of one proof-of-work challenge per difficulty, on this machine (one thread).

  --difficulties LIST  comma-separated difficulties (default 1000,10000,100000,1000000)
  --samples N          challenges solved per difficulty (default 50)
  -h, --help           this text
`;

const cli = parseCli({
  name: 'measure-solve',
  usage: USAGE,
  options: {
    difficulties: { type: 'string', default: '1000,10000,100000,1000000' },
    samples: { type: 'string', default: '50' },
  },
});

function wholes(name: string, raw: string): number[] {
  const values = raw.split(',').map(Number);
  if (values.some((value) => !Number.isSafeInteger(value) || value < 1)) {
    throw new CliFailure(`--${name} must be whole numbers from 1 up, not ${raw}`, 2);
  }
  return values;
}

const ms = (value: number) => (value < 10 ? value.toFixed(2) : value.toFixed(0));

async function main(): Promise<number> {
  const difficulties = wholes('difficulties', cli.values.difficulties ?? '');
  const [samples] = wholes('samples', cli.values.samples ?? '');
  const cpu = cpus()[0]?.model ?? 'unknown CPU';
  console.log(
    `node ${process.version}, ${cpu}, ${availableParallelism()} cores; ${samples} solves each`,
  );
  console.log(
    '| difficulty (maxnumber) | altcha-lib solver: median ms | p95 ms | mean ms | ' +
      'native node:crypto: median ms | p95 ms |',
  );
  console.log('|---:|---:|---:|---:|---:|---:|');
  for (const difficulty of difficulties) {
    const times = await localSolveTimes(difficulty, samples!);
    const native = await localSolveTimes(difficulty, samples!, 'native');
    const mean = times.reduce((sum, t) => sum + t, 0) / times.length;
    console.log(
      `| ${difficulty.toLocaleString('en-US')} | ${ms(percentile(times, 0.5))} | ` +
        `${ms(percentile(times, 0.95))} | ${ms(mean)} | ${ms(percentile(native, 0.5))} | ` +
        `${ms(percentile(native, 0.95))} |`,
    );
  }
  return 0;
}

await runCli('measure-solve', cli.verbose, main);
