import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { nodeArgs } from '../../scripts/lib/embedded-process.ts';

const run = promisify(execFile);

/** Runs an entrypoint with exactly `env` (plus PATH/HOME), as an operator's shell would. */
async function start(entry: string, env: Record<string, string>) {
  try {
    const { stdout, stderr } = await run(process.execPath, nodeArgs(entry), {
      env: { PATH: process.env['PATH'] ?? '', HOME: process.env['HOME'] ?? '', ...env },
      timeout: 30_000,
    });
    return { code: 0, stdout, stderr };
  } catch (error) {
    const e = error as { code: number; stdout: string; stderr: string };
    return { code: e.code, stdout: e.stdout, stderr: e.stderr };
  }
}

describe('safe production defaults', () => {
  it('main-api refuses to start without an explicit AUTH_MODE, in one clear line', async () => {
    const result = await start('src/bootstrap/entrypoints/main-api.ts', {});
    expect(result.code).toBe(1);
    const lines = result.stderr.trim().split('\n');
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(
      /^invalid configuration: AUTH_MODE: must be set explicitly .*jwt.*body/,
    );
  });

  it('with AUTH_MODE set, the same check passes and the next one speaks (services missing)', async () => {
    const result = await start('src/bootstrap/entrypoints/main-api.ts', { AUTH_MODE: 'body' });
    expect(result.code).toBe(1);
    expect(result.stderr).not.toMatch(/AUTH_MODE/);
    expect(result.stderr).toMatch(/KAFKA_BROKERS: is required/);
  });

  it('docker-compose.yml takes the admin token, DB passwords and AUTH_MODE from the environment, with no defaults', () => {
    const compose = readFileSync(new URL('../../docker-compose.yml', import.meta.url), 'utf8');
    for (const name of ['ADMIN_TOKEN', 'MYSQL_PASSWORD', 'MYSQL_ROOT_PASSWORD', 'AUTH_MODE']) {
      expect(compose).toMatch(new RegExp(`\\$\\{${name}:\\?`));
      expect(compose).not.toMatch(new RegExp(`\\$\\{${name}:-`));
    }
    expect(compose).not.toMatch(/MYSQL_PASSWORD: coupon|MYSQL_ROOT_PASSWORD: root|coupon:coupon@/);
    expect(compose).not.toMatch(/change-me/);
    expect(compose).toMatch(/'--appendonly', 'yes', '--appendfsync', 'always'/);
  });
});
