import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  nodeArgs,
  startEntrypoint,
  type StartedProcess,
} from '../../scripts/lib/embedded-process.ts';

const root = fileURLToPath(new URL('../..', import.meta.url));
const run = promisify(execFile);
/** Every family in memory, whatever the shell running the tests exported. */
const MEMORY_ONLY = { REDIS_URL: '', REDIS_CLUSTER_NODES: '', KAFKA_BROKERS: '', DATABASE_URL: '' };

/** Runs `npm run demo -- …args` (the script itself) and returns its exit code and output. */
async function demo(...args: string[]): Promise<{ code: number; out: string }> {
  try {
    const { stdout } = await run(process.execPath, [...nodeArgs('scripts/demo.ts'), ...args], {
      cwd: root,
      env: { ...process.env, ADMIN_TOKEN: '' },
    });
    return { code: 0, out: stdout };
  } catch (error) {
    const failed = error as { code?: number; stdout?: string; stderr?: string };
    return { code: failed.code ?? -1, out: `${failed.stdout ?? ''}${failed.stderr ?? ''}` };
  }
}

// The demo against a service whose default campaign already had a grant (the README's own
// `curl … alice`): it must judge G1–G4 on top of that grant, not assume it owns sequence 1.
describe('npm run demo -- --url', () => {
  const token = randomBytes(16).toString('hex');
  let service: StartedProcess;
  const small = ['--requests', '400', '--users', '200', '--concurrency', '20'];

  beforeAll(async () => {
    service = await startEntrypoint(
      'src/bootstrap/entrypoints/main-embedded.ts',
      { ...MEMORY_ONLY, ADMIN_TOKEN: token, DEFAULT_CAMPAIGN_QUANTITY: '100' },
      { readyPath: '/health/ready' },
    );
    const alice = await fetch(`${service.url}/campaigns/default/issuances`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ userId: 'alice' }),
    });
    expect(alice.status).toBe(201);
  }, 60_000);

  afterAll(async () => {
    await service?.stop();
  });

  it('counts the grants the campaign already had and passes on top of them', async () => {
    const { code, out } = await demo('--url', service.url, ...small);

    expect(out).toContain('campaign default: existing, 1 of 100 already issued (1 persisted)');
    expect(out).toContain('ok   G1 issued ≤ total (1 before + 99 now = 100 ≤ 100)');
    expect(out).toContain('ok   G2 one coupon per user, 99 distinct sequences in 2..100');
    expect(out).toContain('ok   G3 every 201 persisted (99/99)');
    expect(out).toContain('ok   G4 no row without a grant (persisted 100 == issued 100)');
    expect(out).not.toContain('FAIL');
    expect(code).toBe(0);
  }, 60_000);

  it('with the admin token, creates a fresh campaign of its own and says so', async () => {
    const { code, out } = await demo(
      '--url',
      service.url,
      '--token',
      token,
      '--quantity',
      '50',
      ...small,
    );

    expect(out).toMatch(/campaign demo-[a-z0-9]+: created for this run \(50 coupons\)/);
    expect(out).toContain('ok   G2 one coupon per user, 50 distinct sequences in 1..50');
    expect(out).not.toContain('FAIL');
    expect(code).toBe(0);
  }, 60_000);
});
