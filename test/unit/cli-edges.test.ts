import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { freePort, nodeArgs } from '../../scripts/lib/embedded-process.ts';
import { connectionCode, describeError } from '../../src/bootstrap/entrypoints/cli-options.ts';

const root = fileURLToPath(new URL('../..', import.meta.url));
const run = promisify(execFile);

/** No real service in the environment the CLI sees, whatever the shell running the tests set. */
const BARE = {
  REDIS_URL: '',
  REDIS_CLUSTER_NODES: '',
  REDIS_SENTINELS: '',
  KAFKA_BROKERS: '',
  DATABASE_URL: '',
  EVENT_SIGNING_KEYS: '',
};

/** The shell's environment without LOG_LEVEL (the CLIs log only with --verbose or it). */
function shellEnv(): NodeJS.ProcessEnv {
  const env = { ...process.env };
  delete env['LOG_LEVEL'];
  return env;
}

/** Runs an operator CLI from src/bootstrap/entrypoints as `npm run <name>` does (its source). */
async function cli(
  file: string,
  args: string[] = [],
  env: Record<string, string> = {},
): Promise<{ code: number; out: string; stdout: string }> {
  try {
    const { stdout, stderr } = await run(
      process.execPath,
      [...nodeArgs(`src/bootstrap/entrypoints/${file}`), ...args],
      { cwd: root, env: { ...shellEnv(), ...BARE, ...env }, timeout: 30_000 },
    );
    return { code: 0, out: `${stdout}${stderr}`, stdout };
  } catch (error) {
    const failed = error as { code?: number; stdout?: string; stderr?: string };
    return {
      code: failed.code ?? -1,
      out: `${failed.stdout ?? ''}${failed.stderr ?? ''}`,
      stdout: failed.stdout ?? '',
    };
  }
}

/** The failure as printed: its lines, none of them a stack frame. */
function linesOf(out: string): string[] {
  expect(out).not.toMatch(/^\s+at /m);
  return out.trim().split('\n');
}

describe('operator CLIs: --help, and one line per failure', () => {
  it.each([
    ['migrate.ts', 'npm run migrate'],
    ['cli-retry-failed.ts', 'npm run retry-failed'],
    ['cli-rebuild-ledger.ts', 'npm run rebuild-ledger -- <campaignId>'],
    ['cli-audit.ts', 'npm run audit -- <campaignId> [--repair]'],
    ['healthcheck.ts', 'healthcheck.js [port]'],
    ['main-embedded.ts', 'configured by environment variables only'],
  ])('%s --help prints its usage and exits 0, reading no configuration', async (file, usage) => {
    const { code, stdout } = await cli(file, ['--help'], { PORT: 'not-a-port' });
    expect(stdout).toContain(usage);
    expect(code).toBe(0);
  });

  it.each(['migrate.ts', 'cli-retry-failed.ts', 'cli-rebuild-ledger.ts', 'cli-audit.ts'])(
    '%s with an unknown option: one line, exit 2',
    async (file) => {
      const { code, out } = await cli(file, ['--frobnicate']);
      expect(linesOf(out)).toEqual([
        `${file === 'migrate.ts' ? 'migrate' : file.slice(4, -3)}: unknown option --frobnicate (see --help)`,
      ]);
      expect(code).toBe(2);
    },
  );

  it('retry-failed without DATABASE_URL names the variable', async () => {
    const { code, out } = await cli('cli-retry-failed.ts');
    expect(linesOf(out)).toEqual([
      'retry-failed: invalid configuration: DATABASE_URL: is required by this entrypoint',
    ]);
    expect(code).toBe(1);
  });

  it('retry-failed with nothing listening at DATABASE_URL: the reason, no stack', async () => {
    const port = await freePort();
    const { code, out } = await cli('cli-retry-failed.ts', [], {
      DATABASE_URL: `mysql://coupon:coupon@127.0.0.1:${port}/coupon`,
    });
    expect(linesOf(out)).toEqual([
      `retry-failed: the coupon store is unavailable: connect ECONNREFUSED 127.0.0.1:${port} ` +
        '(run with --verbose for the stack)',
    ]);
    expect(code).toBe(1);
  });

  it('migrate with nothing listening at DATABASE_URL: one line', async () => {
    const port = await freePort();
    const { code, out } = await cli('migrate.ts', [], {
      DATABASE_URL: `mysql://coupon:coupon@127.0.0.1:${port}/coupon`,
    });
    expect(linesOf(out)).toEqual([`migrate: failed: connect ECONNREFUSED 127.0.0.1:${port}`]);
    expect(code).toBe(1);
  });

  it.each([
    ['cli-audit.ts', 'audit', 'audit'],
    ['cli-rebuild-ledger.ts', 'rebuild-ledger', 'rebuild'],
  ])(
    '%s: a missing or malformed campaign id is said before any setting',
    async (file, name, what) => {
      const missing = await cli(file);
      expect(linesOf(missing.out)).toEqual([
        `${name}: give the campaign to ${what}: npm run ${name} -- <campaignId> (none given)`,
      ]);
      expect(missing.code).toBe(2);
      const malformed = await cli(file, ['no spaces allowed']);
      expect(linesOf(malformed.out)).toHaveLength(1);
      expect(linesOf(malformed.out)[0]).toMatch(
        new RegExp(
          `^${name}: give the campaign to ${what}: npm run ${name} -- <campaignId> \\(.+\\)$`,
        ),
      );
      expect(malformed.code).toBe(2);
    },
  );

  it('rebuild-ledger names every missing variable on a line of its own', async () => {
    const { code, out } = await cli('cli-rebuild-ledger.ts', ['some-campaign']);
    expect(linesOf(out)).toEqual([
      'rebuild-ledger: invalid configuration: DATABASE_URL: is required by this entrypoint',
      'rebuild-ledger: invalid configuration: KAFKA_BROKERS: is required by this entrypoint',
    ]);
    expect(code).toBe(1);
  });

  it('rebuild-ledger with no ledger to rebuild says so before connecting to anything', async () => {
    const closed = await freePort();
    const { code, out } = await cli('cli-rebuild-ledger.ts', ['some-campaign'], {
      DATABASE_URL: `mysql://coupon:coupon@127.0.0.1:${closed}/coupon`,
      KAFKA_BROKERS: `127.0.0.1:${closed}`,
      EVENT_SIGNING_KEYS: `k1:${'s'.repeat(32)}`,
    });
    expect(linesOf(out)).toEqual([
      'rebuild-ledger: invalid configuration: REDIS_URL: is required by this entrypoint',
    ]);
    expect(code).toBe(1);
  });
});

describe('describeError: one line from an error and its causes', () => {
  it('follows the causes, where a driver says what went wrong', () => {
    const refused = Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:3000'), {
      code: 'ECONNREFUSED',
    });
    const error = new TypeError('fetch failed', { cause: refused });
    expect(describeError(error)).toBe('fetch failed: connect ECONNREFUSED 127.0.0.1:3000');
    expect(connectionCode(error)).toBe('ECONNREFUSED');
  });

  it('reads the reasons of an AggregateError without a message (localhost: ::1 and 127.0.0.1)', () => {
    const reasons = ['::1', '127.0.0.1'].map((host) =>
      Object.assign(new Error(`connect ECONNREFUSED ${host}:3000`), { code: 'ECONNREFUSED' }),
    );
    const error = new TypeError('fetch failed', { cause: new AggregateError(reasons, '') });
    expect(describeError(error)).toBe(
      'fetch failed: connect ECONNREFUSED ::1:3000, connect ECONNREFUSED 127.0.0.1:3000',
    );
    expect(connectionCode(error)).toBe('ECONNREFUSED');
  });

  it('keeps a multi-line message on one line, and gives the stack only when asked', () => {
    const error = new Error('first\nsecond');
    expect(describeError(error)).toBe('first second');
    expect(describeError(error, true)).toContain('    at ');
  });
});
