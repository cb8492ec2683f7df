import { execFile } from 'node:child_process';
import { cp, mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { delimiter, dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { useE2eSystem } from '../support/e2e-harness.ts';
import { converge, expectSound, judge, report } from '../support/e2e-guarantees.ts';
import { fire, usersWithRepeats } from '../support/e2e-stampede.ts';

const repoRoot = fileURLToPath(new URL('../..', import.meta.url));

/** Runs a command to completion with this test's Node first on PATH; rejects with its output. */
function run(command: string, args: string[], cwd: string): Promise<string> {
  const env = {
    ...process.env,
    PATH: `${dirname(process.execPath)}${delimiter}${process.env['PATH'] ?? ''}`,
  };
  return new Promise((resolve, reject) => {
    execFile(
      command,
      args,
      { cwd, env, timeout: 240_000, maxBuffer: 16 * 1024 * 1024 },
      (error, stdout, stderr) =>
        error
          ? reject(new Error(`${command} ${args.join(' ')} failed: ${stderr || stdout}`))
          : resolve(stdout),
    );
  });
}

/**
 * What production runs: a folder holding ONLY package.json, the lock file and the build output,
 * with production dependencies installed by `npm ci --omit=dev`. No sources, no tsx, no
 * TypeScript. From that folder, with plain `node`, the migrations run and the API and the
 * consumer serve a stampede on the real Redis, Kafka and MariaDB, judged from MySQL itself.
 */
describe('e2e: the compiled artefact on the real services', () => {
  const system = useE2eSystem();
  let folder = '';

  beforeAll(async () => {
    await run('npm', ['run', 'build'], repoRoot);
    folder = await mkdtemp(join(tmpdir(), 'coupon-artefact-'));
    for (const file of ['package.json', 'package-lock.json']) {
      await cp(join(repoRoot, file), join(folder, file));
    }
    await cp(join(repoRoot, 'dist'), join(folder, 'dist'), { recursive: true });
    await run('npm', ['ci', '--omit=dev', '--no-audit', '--no-fund'], folder);
    system.runArtefact(folder);
  }, 300_000);

  afterAll(async () => {
    if (folder) await rm(folder, { recursive: true, force: true });
  });

  it('holds the build output and production dependencies only', async () => {
    expect((await readdir(folder)).sort()).toEqual([
      'dist',
      'node_modules',
      'package-lock.json',
      'package.json',
    ]);
    const installed = new Set(await readdir(join(folder, 'node_modules')));
    for (const devOnly of ['tsx', 'typescript', 'vitest', 'eslint', 'autocannon']) {
      expect(installed.has(devOnly), `${devOnly} is a dev dependency`).toBe(false);
    }
    // The runtime assets tsc does not emit travel with the build.
    const redis = await readdir(join(folder, 'dist', 'adapters', 'redis'));
    expect(redis).toContain('reserve.lua');
    const dashboard = await readdir(join(folder, 'dist', 'adapters', 'http', 'dashboard'));
    expect(dashboard).toEqual(expect.arrayContaining(['index.html', 'dashboard.js']));
  });

  it('migrates, then the API and the consumer run with plain node and persist every grant', async () => {
    const migrate = await system.runCli('migrate');
    expect(migrate.code, migrate.output).toBe(0);

    const api = await system.startApi();
    await system.startConsumer();
    const total = 200;
    const campaignId = await system.createCampaign(api, total);

    const outcome = await fire({
      baseUrl: api.url,
      campaignId,
      users: usersWithRepeats(600, 400, `${campaignId}-u`),
      concurrency: 50,
    });

    await converge(system.probes, campaignId);
    const verdict = await judge(system.probes, { id: campaignId, totalQuantity: total }, [outcome]);
    report('artefact', verdict, { answers: `"${outcome.summary()}"` });
    expectSound(verdict);
    expect(await system.probes.rowCounts(campaignId)).toEqual({
      rows: total,
      distinctUsers: total,
    });
    // The dashboard's files were read from dist/ by the running process.
    const page = await fetch(`${api.url}/`);
    expect(page.status).toBe(200);
    expect(await page.text()).toContain('<html');
  });
});
