import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  freePort,
  nodeArgs,
  startEntrypoint,
  type StartedProcess,
} from '../../scripts/lib/embedded-process.ts';

const root = fileURLToPath(new URL('../..', import.meta.url));
const run = promisify(execFile);
/** Every family in memory, whatever the shell running the tests exported. */
const MEMORY_ONLY = { REDIS_URL: '', REDIS_CLUSTER_NODES: '', KAFKA_BROKERS: '', DATABASE_URL: '' };

/**
 * A preload that makes this Node report itself as Node 20 (process.version and
 * process.versions.node), as the machine's old system Node would: what require-node.ts reads.
 */
const AS_NODE_20 =
  'data:text/javascript,' +
  encodeURIComponent(
    'Object.defineProperty(process, "versions", { value: { ...process.versions, node: "20.20.2" } });' +
      'Object.defineProperty(process, "version", { value: "v20.20.2" });',
  );

/** Runs `npm run demo -- …args` (the script itself) and returns its exit code and output. */
async function demo(...args: string[]): Promise<{ code: number; out: string }> {
  return runDemo([], args);
}

async function runDemo(
  nodeFlags: string[],
  args: string[],
): Promise<{ code: number; out: string }> {
  try {
    const { stdout } = await run(
      process.execPath,
      [...nodeFlags, ...nodeArgs('scripts/demo.ts'), ...args],
      { cwd: root, env: { ...process.env, ADMIN_TOKEN: '' } },
    );
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
  it('--pow: the fresh campaign is gated, and every application carries its own solution', async () => {
    const requests = ['--requests', '60', '--users', '40', '--concurrency', '10'];
    const args = ['--url', service.url, '--token', token, '--quantity', '20', '--pow', '1000'];
    const { code, out } = await demo(...args, ...requests);

    const campaignId = /campaign (demo-[a-z0-9]+): created/.exec(out)?.[1];
    const summary = (await (await fetch(`${service.url}/campaigns/${campaignId}`)).json()) as {
      proofOfWorkDifficulty?: number;
      issued: number;
    };
    expect(summary).toMatchObject({ proofOfWorkDifficulty: 1000, issued: 20 });
    expect(out).toContain('proof of work: 60 solved in');
    expect(out).toContain('ok   every solution accepted (no refusal)');
    expect(out).not.toContain('FAIL');
    expect(code).toBe(0);
  }, 60_000);
});

/** Every failure the demo can name is ONE line on its output, never a stack trace. */
function oneLine(out: string): string {
  const lines = out.trim().split('\n');
  expect(lines, out).toHaveLength(1);
  expect(out).not.toMatch(/^\s+at /m);
  return lines[0]!;
}

describe('npm run demo: its edges, one line each', () => {
  const token = randomBytes(16).toString('hex');
  let admin: StartedProcess;
  let noAdmin: StartedProcess;

  beforeAll(async () => {
    [admin, noAdmin] = await Promise.all([
      startEntrypoint(
        'src/bootstrap/entrypoints/main-embedded.ts',
        { ...MEMORY_ONLY, ADMIN_TOKEN: token },
        { readyPath: '/health/ready' },
      ),
      startEntrypoint(
        'src/bootstrap/entrypoints/main-embedded.ts',
        { ...MEMORY_ONLY, ADMIN_TOKEN: '' },
        { readyPath: '/health/ready' },
      ),
    ]);
  }, 60_000);

  afterAll(async () => {
    await Promise.all([admin?.stop(), noAdmin?.stop()]);
  });

  it('--help prints the usage and exits 0', async () => {
    const { code, out } = await demo('--help');
    expect(out).toContain('npm run demo [-- options]');
    expect(out).toContain('--url URL');
    expect(out).toContain('--verbose');
    expect(code).toBe(0);
  });

  it('an unknown option: exit 2', async () => {
    const { code, out } = await demo('--nope');
    expect(oneLine(out)).toBe('demo: unknown option --nope (see --help)');
    expect(code).toBe(2);
  });

  it('nothing listening at --url: says so and how to start it, exit 1', async () => {
    const closed = `http://127.0.0.1:${await freePort()}`;
    const { code, out } = await demo('--url', closed);
    expect(oneLine(out)).toBe(
      `demo: cannot reach the service at ${closed} (ECONNREFUSED): is it running? Start it ` +
        'with `npm start`, or leave out --url and the demo starts one of its own',
    );
    expect(code).toBe(1);
  });

  it('--verbose adds the stack', async () => {
    const { code, out } = await demo('--url', `http://127.0.0.1:${await freePort()}`, '--verbose');
    expect(out).toMatch(/^\s+at /m);
    expect(code).toBe(1);
  });

  it('an unknown campaign: exit 1', async () => {
    const { code, out } = await demo('--url', admin.url, '--campaign', 'nope');
    expect(oneLine(out)).toBe(
      `demo: no campaign nope at ${admin.url} (404 CAMPAIGN_NOT_FOUND): create it first, or ` +
        'leave out --campaign (with --token ADMIN_TOKEN the demo creates a fresh one)',
    );
    expect(code).toBe(1);
  });

  it('a wrong admin token: exit 1', async () => {
    const { code, out } = await demo('--url', admin.url, '--token', 'not-the-admin-token');
    expect(oneLine(out)).toBe(
      `demo: the service at ${admin.url} refused the admin token (401 UNAUTHORIZED): pass its ` +
        'ADMIN_TOKEN with --token, or leave out --token to use its default campaign',
    );
    expect(code).toBe(1);
  });

  it('a token for a service that has admin off: exit 1', async () => {
    const { code, out } = await demo('--url', noAdmin.url, '--token', token);
    expect(oneLine(out)).toBe(
      `demo: admin is disabled on ${noAdmin.url} (it was started without ADMIN_TOKEN): restart ` +
        'it with ADMIN_TOKEN set, or leave out --token to use its default campaign',
    );
    expect(code).toBe(1);
  });

  it('a count that is not one: exit 2, nothing sent', async () => {
    const { code, out } = await demo('--url', admin.url, '--requests', 'many');
    expect(oneLine(out)).toBe('demo: --requests must be a whole number from 1 up, not many');
    expect(code).toBe(2);
  });

  it('on Node 20: the one line naming the Node to install, not a crash trace', async () => {
    const { code, out } = await runDemo(['--import', AS_NODE_20], []);
    expect(oneLine(out)).toBe(
      'coupon-issuance needs Node 24 LTS (this is v20.20.2): install it (nvm install, see ' +
        '.nvmrc), or run through scripts/node24.sh, which fetches it',
    );
    expect(code).toBe(1);
  });
});
