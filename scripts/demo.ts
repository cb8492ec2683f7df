/**
 * npm run demo [-- --url http://host:port --token ADMIN_TOKEN --requests 10000 --users 5000
 *               --quantity 1000 --concurrency 200]
 *
 * Fires a real concurrent stampede at the service (the embedded one it starts itself, or --url),
 * prints what came back and what was persisted, and exits 1 if any guarantee G1–G4 is broken.
 */
import { randomBytes } from 'node:crypto';
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

interface Summary {
  totalQuantity: number;
  issued: number | null;
  persisted: number;
}

async function main(): Promise<number> {
  let service: StartedProcess | undefined;
  let baseUrl = args.url;
  let token = args.token;
  if (!baseUrl) {
    token = randomBytes(16).toString('hex');
    service = await startEntrypoint(
      'src/bootstrap/main-embedded.ts',
      { ADMIN_TOKEN: token },
      { readyPath: '/health/ready' },
    );
    baseUrl = service.url;
  }
  try {
    const campaignId = args.campaign ?? (await createCampaign(baseUrl, token));
    console.log(
      `stampede: ${requests} requests from ${distinctUsers} users → ${baseUrl}/campaigns/${campaignId}`,
    );
    const started = Date.now();
    const result = await stampede({
      baseUrl,
      campaignId,
      users: usersWithRepeats(requests, distinctUsers, `demo-${randomBytes(3).toString('hex')}`),
      concurrency: Number(args.concurrency),
    });
    const seconds = (Date.now() - started) / 1000;
    const summary = await waitForPersisted(baseUrl, campaignId);
    const persistedWinners = await countPersisted(baseUrl, campaignId, [...result.winners.keys()]);

    const issued = result.winners.size;
    const sequences = [...result.winners.values()].sort((a, b) => a - b);
    const errors = result.transportErrors + sumWhere(result.byStatus, (s) => s >= 500);
    const checks: [string, boolean][] = [
      [
        `G1 issued ≤ total (${issued} ≤ ${summary.totalQuantity})`,
        issued <= summary.totalQuantity && (summary.issued ?? 0) <= summary.totalQuantity,
      ],
      [
        `G2 one coupon per user, sequences 1..${issued} each once`,
        sequences.every((s, i) => s === i + 1),
      ],
      [`G3 every 201 persisted (${persistedWinners}/${issued})`, persistedWinners === issued],
      [
        `G4 no row without a grant (persisted ${summary.persisted} == issued ${summary.issued})`,
        summary.persisted === summary.issued,
      ],
    ];
    console.table({
      issued: result.byCode.get('ISSUED') ?? 0,
      'already issued': result.byCode.get('ALREADY_ISSUED') ?? 0,
      'sold out': result.byCode.get('SOLD_OUT') ?? 0,
      errors,
      'distinct winners': result.winners.size,
      persisted: summary.persisted,
      'requests/s': Math.round(requests / seconds),
    });
    for (const [name, ok] of checks) console.log(`${ok ? 'ok  ' : 'FAIL'} ${name}`);
    return checks.every(([, ok]) => ok) && errors === 0 ? 0 : 1;
  } finally {
    await service?.stop();
  }
}

async function createCampaign(baseUrl: string, token: string | undefined): Promise<string> {
  if (!token) return 'default';
  const id = `demo-${Date.now().toString(36)}`;
  const response = await fetch(`${baseUrl}/admin/campaigns`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
    body: JSON.stringify({ id, name: 'Demo drop', totalQuantity: quantity }),
  });
  if (response.status !== 201)
    throw new Error(`creating the campaign failed: ${response.status} ${await response.text()}`);
  return id;
}

/** The consumer persists asynchronously: poll until it caught up (or 60 s passed). */
async function waitForPersisted(baseUrl: string, campaignId: string): Promise<Summary> {
  const deadline = Date.now() + 60_000;
  for (;;) {
    const summary = (await (await fetch(`${baseUrl}/campaigns/${campaignId}`)).json()) as Summary;
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

function sumWhere(counts: Map<number, number>, keep: (status: number) => boolean): number {
  let total = 0;
  for (const [status, count] of counts) if (keep(status)) total += count;
  return total;
}

process.exitCode = await main();
