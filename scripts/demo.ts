/**
 * npm run demo [-- --url http://host:port --token ADMIN_TOKEN --campaign ID --requests 10000
 *               --users 5000 --quantity 1000 --concurrency 200 --pow 1000 --verbose]
 *
 * Fires a real concurrent stampede at the service (the embedded one it starts itself, or --url),
 * prints what came back and what was persisted, and exits 1 if any guarantee G1–G4 is broken.
 *
 * The guarantees are judged against the campaign's state before the stampede: with an admin
 * token (always, on the embedded service) and no --campaign it creates a fresh campaign of its
 * own; otherwise it reads the campaign's counts first and checks only what this run added on top
 * of them (the README's `curl … alice` leaves one grant in `default`).
 *
 * Every failure it can name (nothing listening at --url, an unknown campaign, a refused token,
 * admin off, an older Node) is one line and exit 1; --verbose adds the stack.
 */
// First: on an older Node, one line naming the version to install, before anything else loads.
import '../src/bootstrap/entrypoints/require-node.ts';
import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { CliFailure, parseCli, runCli } from '../src/bootstrap/entrypoints/cli-options.ts';
import { startEntrypoint, type StartedProcess } from './lib/embedded-process.ts';
import { call as callService, openCampaignAt, serviceUrl } from './lib/service-calls.ts';
import { fetchFrom } from './lib/open-campaign.ts';
import { percentile } from './lib/shaped-load.ts';
import { presolve } from './lib/solve-proof.ts';
import { stampede, usersWithRepeats } from './lib/stampede.ts';

const call = (baseUrl: string, path: string, init?: RequestInit) =>
  callService(baseUrl, path, init, UNREACHABLE_HINT);

const USAGE = `
npm run demo [-- options]

A real concurrent stampede against the coupon service, with a table of what came back and a
check of the guarantees G1-G4 (exit 1 if one breaks). Without --url it starts an embedded
service of its own and creates a fresh campaign there.

  --url URL          a running service, e.g. http://127.0.0.1:3000 (default: start one)
  --token TOKEN      its ADMIN_TOKEN: create a fresh campaign (default: $ADMIN_TOKEN)
  --campaign ID      stampede this existing campaign instead (default: fresh, or "default")
  --requests N       applications to send (default 10000)
  --users N          distinct users among them (default 5000)
  --quantity N       coupons of the fresh campaign (default 1000)
  --concurrency N    requests in flight at once (default 200)
  --pow DIFFICULTY   a proof-of-work gate: the fresh campaign gets this difficulty, and every
                     application carries a solution, solved before the stampede (not timed;
                     with --campaign, that campaign's own difficulty is solved)
  --verbose          show the stack of an unexpected error
  -h, --help         this text
`;

const cli = parseCli({
  name: 'demo',
  usage: USAGE,
  options: {
    url: { type: 'string' },
    token: { type: 'string', default: process.env['ADMIN_TOKEN'] },
    campaign: { type: 'string' },
    requests: { type: 'string', default: '10000' },
    users: { type: 'string', default: '5000' },
    quantity: { type: 'string', default: '1000' },
    concurrency: { type: 'string', default: '200' },
    pow: { type: 'string' },
  },
});
const args = cli.values;

/** A whole number ≥ 1 given as `--name`, or one line saying what is wrong. */
function count(name: string, raw: string | undefined): number {
  const value = Number(raw);
  if (!Number.isSafeInteger(value) || value < 1) {
    throw new CliFailure(`--${name} must be a whole number from 1 up, not ${raw}`, 2);
  }
  return value;
}

interface Summary {
  totalQuantity: number;
  /** null while the ledger is not ready. */
  issued: number | null;
  persisted: number;
}

async function main(): Promise<number> {
  const requests = count('requests', args.requests);
  const distinctUsers = count('users', args.users);
  const quantity = count('quantity', args.quantity);
  const concurrency = count('concurrency', args.concurrency);
  const difficulty = args.pow === undefined ? undefined : count('pow', args.pow);
  let service: StartedProcess | undefined;
  let baseUrl = args.url === undefined ? undefined : serviceUrl(args.url);
  let token = args.token === '' ? undefined : args.token;
  if (!baseUrl) {
    token = randomBytes(16).toString('hex');
    try {
      service = await startEntrypoint(
        'src/bootstrap/entrypoints/main-embedded.ts',
        { ADMIN_TOKEN: token },
        { readyPath: '/health/ready' },
      );
    } catch (error) {
      throw new CliFailure(
        `the embedded service did not start: ${error instanceof Error ? error.message : String(error)}`,
      );
    }
    baseUrl = service.url;
  }
  try {
    // A fresh campaign when we may create one, otherwise the given (or default) one as it is.
    const fresh = args.campaign === undefined && token !== undefined;
    const campaignId =
      args.campaign ??
      (token === undefined
        ? 'default'
        : await createCampaign(baseUrl, token, quantity, difficulty));
    const before = await readSummary(baseUrl, campaignId);
    if (before.issued === null) {
      console.log(`campaign ${campaignId}: its ledger is not ready (503 LEDGER_NOT_READY); stop`);
      return 1;
    }
    const issuedBefore = before.issued;
    console.log(
      fresh
        ? `campaign ${campaignId}: created for this run (${before.totalQuantity} coupons)`
        : `campaign ${campaignId}: existing, ${issuedBefore} of ${before.totalQuantity} already ` +
            `issued (${before.persisted} persisted); G1–G4 are judged on top of that ` +
            `(pass --token ADMIN_TOKEN for a fresh campaign)`,
    );
    console.log(
      `stampede: ${requests} requests from ${distinctUsers} users, ${concurrency} in flight → ` +
        `${baseUrl}/campaigns/${campaignId}`,
    );
    const proofs =
      difficulty === undefined ? undefined : await solved(baseUrl, campaignId, requests);
    const serviceCpu = cpuMeter(service?.child.pid);
    const result = await stampede({
      baseUrl,
      campaignId,
      users: usersWithRepeats(requests, distinctUsers, `demo-${randomBytes(3).toString('hex')}`),
      concurrency,
      ...(proofs ? { proofs } : {}),
    });
    const serviceCpuMs = serviceCpu();
    const after = await waitForPersisted(baseUrl, campaignId);
    const persistedWinners = await countPersisted(baseUrl, campaignId, [...result.winners.keys()]);

    const issued = result.winners.size;
    const issuedAfter = after.issued ?? Number.NaN;
    const sequences = new Set(result.winners.values());
    const first = issuedBefore + 1;
    const errors = result.transportErrors + sumWhere(result.byStatus, (s) => s >= 500);
    const checks: [string, boolean][] = [
      [
        `G1 issued ≤ total (${issuedBefore} before + ${issued} now = ${issuedAfter} ≤ ${after.totalQuantity})`,
        issuedBefore + issued <= after.totalQuantity && issuedAfter <= after.totalQuantity,
      ],
      [
        // Distinct sequences, all above the ones granted before: one coupon per user. With no
        // other traffic meanwhile they are exactly first..first+issued-1.
        `G2 one coupon per user, ${issued} distinct sequences in ${first}..${issuedAfter}`,
        sequences.size === issued &&
          [...sequences].every((s) => s >= first && s <= issuedAfter) &&
          issuedAfter - issuedBefore >= issued,
      ],
      [`G3 every 201 persisted (${persistedWinners}/${issued})`, persistedWinners === issued],
      [
        `G4 no row without a grant (persisted ${after.persisted} == issued ${after.issued})`,
        after.persisted === after.issued,
      ],
    ];
    const refused = [...result.byCode].filter(([code]) => code.startsWith('PROOF_'));
    if (proofs) {
      checks.push([
        `every solution accepted (${refused.map(([c, n]) => `${c}=${n}`).join(' ') || 'no refusal'})`,
        refused.length === 0,
      ]);
    }
    const perRequestUs = (ms: number) => Math.round((ms * 1000) / requests);
    console.table({
      issued: result.byCode.get('ISSUED') ?? 0,
      'already issued': result.byCode.get('ALREADY_ISSUED') ?? 0,
      'sold out': result.byCode.get('SOLD_OUT') ?? 0,
      ...Object.fromEntries(refused),
      errors,
      'distinct winners': result.winners.size,
      'persisted (campaign)': after.persisted,
      'requests/s (this client)': Math.round((requests * 1000) / result.elapsedMs),
      'client CPU µs/request': perRequestUs(result.clientCpuMs),
      ...(serviceCpuMs === undefined
        ? {}
        : { 'service CPU µs/request': perRequestUs(serviceCpuMs) }),
    });
    console.log(
      service
        ? 'requests/s: what this one client saw, end to end, against a service it had just ' +
            'started (cold), both on the same cores; a demonstration, not a benchmark ' +
            '(docs/benchmarks.md has those).'
        : 'requests/s: what this one client saw, end to end, its own cost included; a ' +
            'demonstration, not a benchmark (docs/benchmarks.md has those).',
    );
    for (const [name, ok] of checks) console.log(`${ok ? 'ok  ' : 'FAIL'} ${name}`);
    return checks.every(([, ok]) => ok) && errors === 0 ? 0 : 1;
  } finally {
    await service?.stop();
  }
}

/** Where the demo's own help ends a line about the service or its token. */
const UNREACHABLE_HINT =
  ' Start it with `npm start`, or leave out --url and the demo starts one of its own';
const TOKEN_HINT = ', or leave out --token to use its default campaign';

async function createCampaign(
  baseUrl: string,
  token: string,
  quantity: number,
  difficulty: number | undefined,
): Promise<string> {
  const id = `demo-${Date.now().toString(36)}${randomBytes(2).toString('hex')}`;
  const gate = difficulty === undefined ? {} : { proofOfWorkDifficulty: difficulty };
  await openCampaignAt(
    baseUrl,
    token,
    { id, name: 'Demo drop', totalQuantity: quantity, ...gate },
    TOKEN_HINT,
  );
  return id;
}

/** One solution per application, solved before the stampede; prints what solving cost here. */
async function solved(baseUrl: string, campaignId: string, requests: number): Promise<string[]> {
  console.log(`proof of work: solving ${requests} challenges before the stampede…`);
  const started = performance.now();
  const done = await presolve(fetchFrom(baseUrl), campaignId, requests, {
    progress: (n) => console.log(`  ${n} solved`),
  });
  const seconds = (performance.now() - started) / 1000;
  console.log(
    `proof of work: ${requests} solved in ${seconds.toFixed(1)} s with altcha-lib's solver, 4 at ` +
      `a time; one solve: median ${percentile(done.solveMs, 0.5).toFixed(0)} ms, p95 ` +
      `${percentile(done.solveMs, 0.95).toFixed(0)} ms (npm run measure-solve: one at a time)`,
  );
  if (done.firstExpiry && done.firstExpiry.getTime() < Date.now() + 10_000) {
    console.log('proof of work: the first challenges expire within 10 s; expect PROOF_EXPIRED');
  }
  return [...done.proofs];
}

async function readSummary(baseUrl: string, campaignId: string): Promise<Summary> {
  const answer = await call(baseUrl, `/campaigns/${encodeURIComponent(campaignId)}`);
  if (answer.status === 200) return answer.json as Summary;
  if (answer.status === 404) {
    throw new CliFailure(
      `no campaign ${campaignId} at ${baseUrl} (404 ${answer.code}): create it first, or ` +
        'leave out --campaign (with --token ADMIN_TOKEN the demo creates a fresh one)',
    );
  }
  if (answer.status === 400) {
    throw new CliFailure(
      `--campaign ${campaignId} is not a campaign id: it must be 1-64 characters of a-z, 0-9 and -`,
      2,
    );
  }
  throw new CliFailure(`reading campaign ${campaignId} failed: ${answer.status} ${answer.text}`);
}

/** The consumer persists asynchronously: poll until it caught up (or 60 s passed). */
async function waitForPersisted(baseUrl: string, campaignId: string): Promise<Summary> {
  const deadline = Date.now() + 60_000;
  for (;;) {
    const summary = await readSummary(baseUrl, campaignId);
    if (summary.persisted === summary.issued || Date.now() > deadline) return summary;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

async function countPersisted(
  baseUrl: string,
  campaignId: string,
  users: string[],
): Promise<number> {
  let persisted = 0;
  for (let i = 0; i < users.length; i += 100) {
    const answers = await Promise.all(
      users.slice(i, i + 100).map(async (user) => {
        const answer = await call(baseUrl, `/campaigns/${campaignId}/issuances/${user}`);
        return (answer.json as { persisted?: boolean }).persisted === true;
      }),
    );
    persisted += answers.filter(Boolean).length;
  }
  return persisted;
}

/**
 * CPU time a local child process spends from now until the returned function is called (ms),
 * read from /proc (Linux; user + system ticks, 100 per second); undefined where unavailable.
 */
function cpuMeter(pid: number | undefined): () => number | undefined {
  const read = (): number | undefined => {
    if (pid === undefined) return undefined;
    try {
      // Fields after the ")" that closes the command name: utime and stime are the 12th and 13th.
      const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]?.split(' ') ?? [];
      const ticks = Number(fields[11]) + Number(fields[12]);
      return Number.isFinite(ticks) ? ticks * 10 : undefined;
    } catch {
      return undefined;
    }
  };
  const start = read();
  return () => {
    const end = read();
    return start === undefined || end === undefined ? undefined : end - start;
  };
}

function sumWhere(counts: Map<number, number>, keep: (status: number) => boolean): number {
  let total = 0;
  for (const [status, count] of counts) if (keep(status)) total += count;
  return total;
}

await runCli('demo', cli.verbose, main);
