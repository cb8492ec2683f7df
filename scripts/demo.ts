/**
 * npm run demo [-- --url http://host:port --token ADMIN_TOKEN --campaign ID --requests 10000
 *               --users 5000 --quantity 1000 --concurrency 200]
 *
 * Fires a real concurrent stampede at the service (the embedded one it starts itself, or --url),
 * prints what came back and what was persisted, and exits 1 if any guarantee G1–G4 is broken.
 *
 * The guarantees are judged against the campaign's state before the stampede: with an admin
 * token (always, on the embedded service) and no --campaign it creates a fresh campaign of its
 * own; otherwise it reads the campaign's counts first and checks only what this run added on top
 * of them (the README's `curl … alice` leaves one grant in `default`).
 */
import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { startEntrypoint, type StartedProcess } from './lib/embedded-process.ts';
import { stampede, usersWithRepeats } from './lib/stampede.ts';

const { values: args } = parseArgs({
  options: {
    url: { type: 'string' },
    token: { type: 'string', default: process.env['ADMIN_TOKEN'] },
    campaign: { type: 'string' },
    requests: { type: 'string', default: '10000' },
    users: { type: 'string', default: '5000' },
    quantity: { type: 'string', default: '1000' },
    concurrency: { type: 'string', default: '200' },
  },
});
const requests = Number(args.requests);
const distinctUsers = Number(args.users);
const quantity = Number(args.quantity);
const concurrency = Number(args.concurrency);

interface Summary {
  totalQuantity: number;
  /** null while the ledger is not ready. */
  issued: number | null;
  persisted: number;
}

async function main(): Promise<number> {
  let service: StartedProcess | undefined;
  let baseUrl = args.url;
  let token = args.token === '' ? undefined : args.token;
  if (!baseUrl) {
    token = randomBytes(16).toString('hex');
    service = await startEntrypoint(
      'src/bootstrap/entrypoints/main-embedded.ts',
      { ADMIN_TOKEN: token },
      { readyPath: '/health/ready' },
    );
    baseUrl = service.url;
  }
  try {
    // A fresh campaign when we may create one, otherwise the given (or default) one as it is.
    const fresh = args.campaign === undefined && token !== undefined;
    const campaignId =
      args.campaign ?? (token === undefined ? 'default' : await createCampaign(baseUrl, token));
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
    const serviceCpu = cpuMeter(service?.child.pid);
    const result = await stampede({
      baseUrl,
      campaignId,
      users: usersWithRepeats(requests, distinctUsers, `demo-${randomBytes(3).toString('hex')}`),
      concurrency,
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
    const perRequestUs = (ms: number) => Math.round((ms * 1000) / requests);
    console.table({
      issued: result.byCode.get('ISSUED') ?? 0,
      'already issued': result.byCode.get('ALREADY_ISSUED') ?? 0,
      'sold out': result.byCode.get('SOLD_OUT') ?? 0,
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

async function createCampaign(baseUrl: string, token: string): Promise<string> {
  const id = `demo-${Date.now().toString(36)}${randomBytes(2).toString('hex')}`;
  const response = await fetch(`${baseUrl}/admin/campaigns`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
    body: JSON.stringify({ id, name: 'Demo drop', totalQuantity: quantity }),
  });
  if (response.status !== 201)
    throw new Error(`creating the campaign failed: ${response.status} ${await response.text()}`);
  return id;
}

async function readSummary(baseUrl: string, campaignId: string): Promise<Summary> {
  const response = await fetch(`${baseUrl}/campaigns/${campaignId}`);
  if (response.status !== 200)
    throw new Error(`campaign ${campaignId}: ${response.status} ${await response.text()}`);
  return (await response.json()) as Summary;
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
        const response = await fetch(`${baseUrl}/campaigns/${campaignId}/issuances/${user}`);
        return ((await response.json()) as { persisted?: boolean }).persisted === true;
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

process.exitCode = await main();
