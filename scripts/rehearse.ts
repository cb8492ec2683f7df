/**
 * npm run rehearse -- --url URL --token ADMIN_TOKEN [--quantity 1000 --users 20000 --peak 1000
 *                     --plateau 300 --ramp 10 --spike 5 --hold 15 --connections 100
 *                     --repeat 0.15 --seed 1 --pow 1000] | --cleanup
 *
 * A rehearsal of a drop against a deployment: it creates a rehearsal campaign with the admin
 * token, fires a drop's shape at it with autocannon (a ramp before the opening, a spike at it,
 * a plateau after), prints a progress line each second, then prints its own figures and the
 * service's report side by side, says where they disagree and whether this machine could
 * generate the load it was asked for.
 */
// First: on an older Node, one line naming the version to install, before anything else loads.
import '../src/bootstrap/entrypoints/require-node.ts';
import { randomBytes } from 'node:crypto';
import type { CampaignReportBody } from '../src/adapters/http/report-body.ts';
import { CliFailure, parseCli, runCli } from '../src/bootstrap/entrypoints/cli-options.ts';
import { disagreements, loadVerdict, sideBySide } from './lib/rehearsal-report.ts';
import { requestsOf, shapeOf, UserPool } from './lib/rehearsal-shape.ts';
import { fetchFrom } from './lib/open-campaign.ts';
import { call, openCampaignAt, serviceUrl } from './lib/service-calls.ts';
import { localSolveTimes, presolve, ProofQueue } from './lib/solve-proof.ts';
import { answered, emptyView, fireStep, percentile, type ClientView } from './lib/shaped-load.ts';

const USAGE = `
npm run rehearse -- --url URL --token ADMIN_TOKEN [options]

Rehearses a drop against the service at --url: creates a rehearsal campaign (id rehearsal-…,
closed one minute after the rehearsal), fires a drop's shape at it with autocannon, and prints
this machine's figures beside the service's report (GET /campaigns/{id}/report).

  --url URL          the service, e.g. http://127.0.0.1:3000 (required)
  --token TOKEN      its ADMIN_TOKEN (default: $ADMIN_TOKEN)
  --quantity N       coupons of the rehearsal campaign (default 1000)
  --users N          distinct users in the pool (default 20000)
  --repeat SHARE     share of requests from users clicking again, 0 to 1 (default 0.15)
  --ramp S           seconds before the opening, climbing to the plateau rate (default 10)
  --spike S          seconds at the peak rate from the opening (default 5)
  --hold S           seconds at the plateau rate after the spike (default 15)
  --peak N           requests per second in the spike (default 1000)
  --plateau N        requests per second on the plateau (default 300)
  --connections N    keep-alive connections at most (default 100)
  --seed N           draws the same users in the same order (default 1)
  --pow DIFFICULTY   a proof-of-work gate on the rehearsal campaign: every application carries
                     a solution, all solved before the ramp (not part of the load; the opening
                     is set late enough for them, from a solve time measured here first)
  --cleanup          fire nothing: list the rehearsal campaigns at --url and say what remains
  --verbose          show the stack of an unexpected error
  -h, --help         this text
`;

const cli = parseCli({
  name: 'rehearse',
  usage: USAGE,
  options: {
    url: { type: 'string' },
    token: { type: 'string', default: process.env['ADMIN_TOKEN'] },
    quantity: { type: 'string', default: '1000' },
    users: { type: 'string', default: '20000' },
    repeat: { type: 'string', default: '0.15' },
    ramp: { type: 'string', default: '10' },
    spike: { type: 'string', default: '5' },
    hold: { type: 'string', default: '15' },
    peak: { type: 'string', default: '1000' },
    plateau: { type: 'string', default: '300' },
    connections: { type: 'string', default: '100' },
    seed: { type: 'string', default: '1' },
    pow: { type: 'string' },
    cleanup: { type: 'boolean', default: false },
  },
});
const args = cli.values;

/** A whole number from `min` up given as `--name`, or one line saying what is wrong. */
function whole(name: string, raw: string | undefined, min = 1): number {
  const value = Number(raw);
  if (!Number.isSafeInteger(value) || value < min) {
    throw new CliFailure(`--${name} must be a whole number from ${min} up, not ${raw}`, 2);
  }
  return value;
}

function share(name: string, raw: string | undefined): number {
  const value = Number(raw);
  if (!(value >= 0 && value <= 1)) {
    throw new CliFailure(`--${name} must be a number from 0 to 1, not ${raw}`, 2);
  }
  return value;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

async function main(): Promise<number> {
  if (args.url === undefined) throw new CliFailure('--url is required (see --help)', 2);
  const baseUrl = serviceUrl(args.url);
  const token = args.token === undefined || args.token === '' ? undefined : args.token;
  if (!token)
    throw new CliFailure("--token (or $ADMIN_TOKEN) is required: the service's ADMIN_TOKEN", 2);
  const auth = { authorization: `Bearer ${token}` };
  if (args.cleanup) return cleanup(baseUrl, auth);

  const steps = shapeOf({
    rampSeconds: whole('ramp', args.ramp, 0),
    spikeSeconds: whole('spike', args.spike, 0),
    plateauSeconds: whole('hold', args.hold, 0),
    peakRate: whole('peak', args.peak),
    plateauRate: whole('plateau', args.plateau),
  });
  const quantity = whole('quantity', args.quantity);
  const connections = whole('connections', args.connections);
  const run = `${Date.now().toString(36)}${randomBytes(2).toString('hex')}`;
  const users = new UserPool(
    whole('users', args.users),
    share('repeat', args.repeat),
    `rehearsal-${run}`,
    whole('seed', args.seed, 0),
  );
  const rampSeconds = steps.filter((s) => s.phase === 'ramp').length;
  const totalSeconds = steps.reduce((sum, s) => sum + s.seconds, 0);
  const difficulty = args.pow === undefined ? undefined : whole('pow', args.pow);
  const solveBudgetMs =
    difficulty === undefined ? 0 : await solveBudget(difficulty, requestsOf(steps));
  const opensAt = Date.now() + 2000 + solveBudgetMs + rampSeconds * 1000;
  const campaignId = `rehearsal-${run}`;
  await openCampaignAt(baseUrl, token, {
    id: campaignId,
    name: `Rehearsal ${new Date().toISOString().slice(0, 16).replace('T', ' ')} UTC`,
    totalQuantity: quantity,
    startsAt: new Date(opensAt).toISOString(),
    // Closed a minute after the rehearsal: it takes no grant once it is over (no delete route).
    endsAt: new Date(opensAt + (totalSeconds - rampSeconds + 60) * 1000).toISOString(),
    ...(difficulty === undefined ? {} : { proofOfWorkDifficulty: difficulty }),
  });
  const proofs =
    difficulty === undefined ? undefined : await solveAll(baseUrl, campaignId, requestsOf(steps));
  console.log(
    `rehearsal campaign ${campaignId}: ${quantity} coupons, opens ${new Date(opensAt).toISOString()}\n` +
      `shape: ${steps.map((s) => `${s.phase} ${s.rate}/s×${s.seconds}s`).join(', ')} ` +
      `(${requestsOf(steps).toLocaleString('en-US')} requests asked, ${connections} connections at most)`,
  );

  const late = Date.now() - (opensAt - rampSeconds * 1000);
  if (late > 0)
    console.log(
      `solving took ${Math.round(late / 1000)} s longer than planned: the ramp is shorter`,
    );
  await sleep(opensAt - rampSeconds * 1000 - Date.now());
  const view = emptyView();
  const progress = startProgress(view);
  try {
    for (const step of steps) {
      progress.phase = step.phase;
      progress.asked = step.rate;
      await fireStep({
        url: baseUrl,
        campaignId,
        step,
        connections,
        users,
        view,
        ...(proofs ? { proofs } : {}),
      });
    }
  } finally {
    progress.stop();
  }
  console.log(
    `\nfired: ${answered(view).toLocaleString('en-US')} answers from ${users.distinct.toLocaleString('en-US')} users, ${view.errors} without an answer`,
  );
  const report = await settledReport(baseUrl, auth, campaignId, view);
  console.log(`\n${sideBySide(view, report)}\n`);
  console.log('load:');
  for (const line of loadVerdict(view.steps)) console.log(`  ${line}`);
  const problems = disagreements(view, report);
  console.log(
    problems.length === 0
      ? '\nok: the client and the service agree, and every 201 has its row'
      : '\nDISAGREE:',
  );
  for (const problem of problems) console.log(`  ${problem}`);
  console.log(
    `\nthe report: ${baseUrl}/campaigns/${campaignId}/report (the admin token as the password)`,
  );
  return problems.length === 0 ? 0 : 1;
}

/**
 * How long solving `count` challenges will take here (ms), from ten solved first, with room to
 * spare: the opening is set after it, so the rehearsal's shape is not eaten by the solving.
 */
async function solveBudget(difficulty: number, count: number): Promise<number> {
  const sample = await localSolveTimes(difficulty, 10);
  const mean = sample.reduce((sum, t) => sum + t, 0) / sample.length;
  // presolve runs four at a time on libuv's pool: about twice one's pace on two cores.
  const budget = Math.ceil((mean * count) / 2) * 1.5;
  console.log(
    `proof of work at difficulty ${difficulty}: ${mean.toFixed(0)} ms a solve here; ` +
      `${count.toLocaleString('en-US')} to solve first, about ${Math.round(budget / 1000)} s`,
  );
  return budget;
}

/** One solution per application of the shape, solved before the ramp, handed out in order. */
async function solveAll(baseUrl: string, campaignId: string, count: number): Promise<ProofQueue> {
  const started = performance.now();
  const done = await presolve(fetchFrom(baseUrl), campaignId, count, {
    progress: (n) => console.log(`  ${n.toLocaleString('en-US')} solved`),
  });
  console.log(
    `proof of work: ${count.toLocaleString('en-US')} solved in ` +
      `${((performance.now() - started) / 1000).toFixed(1)} s (one solve: median ` +
      `${percentile(done.solveMs, 0.5).toFixed(0)} ms, p95 ${percentile(done.solveMs, 0.95).toFixed(0)} ms)`,
  );
  return new ProofQueue(done.proofs);
}

/** A line a second while firing, rewritten in place on a terminal. */
function startProgress(view: ClientView) {
  const started = Date.now();
  let last = 0;
  const state = {
    phase: 'ramp',
    asked: 0,
    stop: () => clearInterval(timer),
  };
  const timer = setInterval(() => {
    const now = answered(view) + view.errors;
    const codes = [...view.byCode]
      .map(([code, count]) => `${code} ${count.toLocaleString('en-US')}`)
      .join(' · ');
    const line =
      `[${Math.round((Date.now() - started) / 1000)}s ${state.phase}] asked ${state.asked}/s, got ${now - last}/s · ` +
      `${codes} · p99 ${Math.round(percentile(view.latencies.slice(-5000), 0.99))} ms`;
    last = now;
    if (process.stdout.isTTY)
      process.stdout.write(
        `\r${line.slice(0, (process.stdout.columns ?? 200) - 1).padEnd(Math.min(process.stdout.columns ?? 120, 160) - 1)}`,
      );
    else console.log(line);
  }, 1000);
  return state;
}

/**
 * The service's report once it has caught up: every grant persisted and every answer flushed
 * (the processes flush once a second; the consumer's delays come after the rows). Waits at most
 * a minute, then shows what it has.
 */
async function settledReport(
  baseUrl: string,
  auth: Record<string, string>,
  campaignId: string,
  view: ClientView,
): Promise<CampaignReportBody> {
  const deadline = Date.now() + 60_000;
  for (;;) {
    const answer = await call(baseUrl, `/campaigns/${campaignId}/report?format=json`, {
      headers: auth,
    });
    if (answer.status !== 200)
      throw new CliFailure(`reading the report failed: ${answer.status} ${answer.text}`);
    const report = answer.json as CampaignReportBody;
    const settled =
      report.applications >= answered(view) &&
      report.grants.withoutRow === 0 &&
      report.delay.samples >= (report.grants.issued ?? 0);
    if (settled || Date.now() > deadline) return report;
    await sleep(500);
  }
}

/** No route deletes a campaign: cleanup says what the rehearsals left, and that it stays. */
async function cleanup(baseUrl: string, auth: Record<string, string>): Promise<number> {
  const answer = await call(baseUrl, '/admin/campaigns', { headers: auth });
  if (answer.status === 401)
    throw new CliFailure(`the service at ${baseUrl} refused the admin token (401)`);
  if (answer.status !== 200)
    throw new CliFailure(`listing campaigns failed: ${answer.status} ${answer.text}`);
  const campaigns = (
    answer.json as {
      campaigns: { campaignId: string; endsAt: string | null; issued: number | null }[];
    }
  ).campaigns.filter((c) => c.campaignId.startsWith('rehearsal-'));
  for (const c of campaigns) {
    const open = c.endsAt === null || Date.parse(c.endsAt) > Date.now();
    console.log(
      `${c.campaignId}  ${open ? 'still open until its end' : 'closed'}  ${c.issued ?? '?'} granted`,
    );
  }
  console.log(
    `${campaigns.length} rehearsal campaign(s) at ${baseUrl}. Nothing was deleted: the service has no ` +
      'route that deletes a campaign. Rehearsal campaigns are marked by their id (rehearsal-…) and ' +
      'name, close one minute after their rehearsal (so they take no grant after it), and keep ' +
      'their coupons and reports in MySQL.',
  );
  return 0;
}

await runCli('rehearse', cli.verbose, main);
