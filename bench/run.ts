/**
 * npm run bench [-- --duration 45 --warmup 4 --connections 100 --variants ceiling,service
 *                   --scenarios stampede,allGrants --profile --smoke --api-node-flags "…"]
 *
 * The stampede side by side with the reference (the thinnest apply path of this stack) and the
 * designs it replaces, in ONE run on the real Redis, Kafka and MariaDB (scripts/services.sh);
 * then, for the service alone, (c) a polling flood on the public reads and (d) applications
 * after the sell-out, with MySQL queries and Redis commands per request from the servers' own
 * counters, and (e) all grants at each ledger durability level (bench-owned Redis servers with
 * `appendfsync everysec` / `always`, and the Sentinel set with one replica WAITed for); then the
 * consumer batched vs row by row. Scenario names: stampede, allGrants, reads, soldOut,
 * durability, consumer. Writes
 * bench/results/latest.json, docs/benchmarks.svg and the results section of docs/benchmarks.md.
 * `--smoke` runs everything tiny (CI checks the harness still works; figures mean nothing) and
 * writes its results to the OS temp folder only. `--profile` runs the variants with --cpu-prof
 * and summarises the profiles under bench/results/profiles/ (figures are then not comparable:
 * nothing is written to docs). A disturbed real run (a service restarted, or other processes
 * took more than OTHER_CPU_LIMIT of a core during a measurement) exits 3 and, like a partial run
 * (--variants, --scenarios or --api-node-flags), writes to the temp folder only. A smoke run
 * only warns: its figures mean nothing anyway.
 * `--render` measures nothing: it redraws the chart and the doc section from latest.json.
 */
import { mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import {
  freshDatabase,
  prepareEnvironment,
  waitForRows,
  type BenchEnvironment,
} from './bench-environment.ts';
import {
  DURABILITY_LABEL,
  evaluateTargets,
  SCENARIO_LABELS,
  type AfterSellOutName,
  type AfterSellOutRun,
  type BenchResults,
  type DurabilityRun,
  type IdleRun,
  type ScenarioName,
  type VariantRun,
} from './bench-results.ts';
import { CheckLedgers } from '../src/application/operate/check-ledgers.ts';
import { measureIdle } from './idle.ts';
import { renderChart } from './chart-svg.ts';
import { measureAfterSellOut } from './after-sell-out.ts';
import { measureConsumer } from './consumer-throughput.ts';
import {
  benchRedisServer,
  DURABILITY_LEVELS,
  startLedger,
  stopAllRedisServers,
  type LedgerTarget,
} from './ledger-targets.ts';
import { stopAllNodeProcesses } from './node-process.ts';
import {
  applications,
  freshUsers,
  rotatingUsers,
  round,
  runLoad,
  type UserSource,
} from './load.ts';
import { describeMachine, sourceRevision } from './machine.ts';
import { otherCpuPercent, servicePids } from './process-cpu.ts';
import { componentsPerRequest, summariseProfile, type CpuProfile } from './profile-summary.ts';
import { renderResultsSection, replaceResultsSection } from './report-markdown.ts';
import {
  EXPERIMENTS,
  isService,
  persistLag,
  startVariant,
  type Variant,
  type VariantName,
} from './variants.ts';

const ALL_VARIANTS =
  'ceiling,reference,service,service-traced,service-pow,lock-based,incr-insert,ceiling-yield,ceiling-node-body';
/** stampede and allGrants run per variant; the others are the service's alone, or the consumer's. */
const ALL_SCENARIOS = 'stampede,allGrants,reads,soldOut,idle,durability,consumer';
type RunScenario = ScenarioName | AfterSellOutName | 'idle' | 'durability' | 'consumer';
const { values: args } = parseArgs({
  options: {
    smoke: { type: 'boolean', default: false },
    duration: { type: 'string' },
    warmup: { type: 'string' },
    connections: { type: 'string', default: '100' },
    variants: { type: 'string', default: ALL_VARIANTS },
    scenarios: { type: 'string', default: ALL_SCENARIOS },
    profile: { type: 'boolean', default: false },
    render: { type: 'boolean', default: false },
    /** Extra Node flags for the service's API process only, for A/B experiments (e.g. GC sizing). */
    'api-node-flags': { type: 'string', default: '' },
    'redis-db': { type: 'string', default: '13' },
  },
});

const smoke = args.smoke;
const settings = {
  connections: Number(args.connections),
  durationSeconds: Number(args.duration ?? (smoke ? 1 : 45)),
  // The smoke checks the harness, not the figures: no warm-up (0 skips it).
  warmupSeconds: Number(args.warmup ?? (smoke ? 0 : 4)),
  stampede: { totalQuantity: smoke ? 100 : 1000, users: smoke ? 2_000 : 50_000 },
  allGrants: { totalQuantity: 100_000_000 },
  /** (c) and (d): seconds of idle background counted before each flood. */
  afterSellOut: { idleSeconds: smoke ? 0.2 : 3 },
  /**
   * Idle: the window is one whole cycle of the ledger check's comparisons of sold-out campaigns
   * (SOLD_OUT_EVERY checks of the default LEDGER_CHECK_INTERVAL_MS, 15 s): a shorter window would
   * show that sweep or not by chance, and report 0 or several times its average.
   */
  idle: {
    campaigns: smoke ? 20 : 1000,
    seconds: smoke ? 1 : (CheckLedgers.SOLD_OUT_EVERY * 15_000) / 1000,
    quietMs: 5000,
  },
  durabilityLevels: DURABILITY_LEVELS,
  consumerEvents: { batched: smoke ? 2_000 : 100_000, rowByRow: smoke ? 500 : 10_000 },
};
const variants = args.variants.split(',').filter((v) => v !== '') as VariantName[];
const scenarioNames = args.scenarios.split(',') as RunScenario[];
for (const name of scenarioNames) {
  if (!ALL_SCENARIOS.split(',').includes(name)) throw new Error(`unknown scenario ${name}`);
}
const root = (relative: string) => fileURLToPath(new URL(`../${relative}`, import.meta.url));
const log = (line: string) => process.stdout.write(`${line}\n`);
const runId = Date.now().toString(36);
const profileDir = args.profile ? root(`bench/results/profiles/${runId}`) : undefined;
const warnings: string[] = [];
/** % of one core other processes may take during a measurement before the run counts as disturbed. */
const OTHER_CPU_LIMIT = 25;

function checkQuiet(cpuPercent: Record<string, number>, during: string): void {
  const other = otherCpuPercent(cpuPercent);
  if (other > OTHER_CPU_LIMIT)
    warnings.push(`other processes used ${other}% of a core during ${during}`);
}

/** Concurrent fault tests kill and restart the shared services: such a run is not a measurement. */
function checkServicesUnchanged(before: Record<string, number>, during: string): void {
  const now = servicePids();
  for (const [name, pid] of Object.entries(before)) {
    if (now[name] !== pid)
      warnings.push(`${name} restarted or stopped during ${during}: its figures are not valid`);
  }
}

type MeasuredRun = Omit<VariantRun, 'ratioToCeiling'>;

const apiNodeFlags = args['api-node-flags'].split(' ').filter((flag) => flag !== '');

async function measureVariant(
  environment: BenchEnvironment,
  name: VariantName,
): Promise<Partial<Record<ScenarioName, MeasuredRun>>> {
  const variant = await startVariant(name, environment, {
    topic: environment.topic(`issued-${name}`),
    profileDir,
    apiNodeFlags,
  });
  try {
    const services = servicePids();
    const pids = { ...variant.pids, ...services };
    const runs: Partial<Record<ScenarioName, MeasuredRun>> = {};
    if (scenarioNames.includes('stampede')) {
      runs.stampede = await measureScenario(
        environment,
        variant,
        'stampede',
        pids,
        settings.stampede.totalQuantity,
        (phase) => rotatingUsers(settings.stampede.users, `${phase}-`),
      );
    }
    // The experiments keep no state, so the second scenario would only repeat the first.
    if (scenarioNames.includes('allGrants') && !EXPERIMENTS.includes(name)) {
      runs.allGrants = await measureAllGrants(environment, variant, pids);
    }
    checkServicesUnchanged(services, name);
    return runs;
  } finally {
    await variant.stop();
  }
}

/** (b) all grants: a campaign of settings.allGrants.totalQuantity, a new user on every request. */
function measureAllGrants(
  environment: BenchEnvironment,
  variant: Variant,
  pids: Record<string, number>,
  label?: string,
): Promise<MeasuredRun> {
  return measureScenario(
    environment,
    variant,
    'allGrants',
    pids,
    settings.allGrants.totalQuantity,
    (phase) => freshUsers(`${phase}-${runId}-`),
    label,
  );
}

async function measureScenario(
  environment: BenchEnvironment,
  variant: Variant,
  scenario: ScenarioName,
  pids: Record<string, number>,
  totalQuantity: number,
  users: (phase: 'w' | 'm') => UserSource,
  /** Names the run in campaign ids and log lines (default: the variant's name). */
  label: string = variant.name,
): Promise<MeasuredRun> {
  const campaign = (phase: string) =>
    `${label}-${scenario === 'stampede' ? 'a' : 'b'}-${phase}-${runId}`.toLowerCase();
  const load = async (campaignId: string, phase: 'w' | 'm', durationSeconds: number) => {
    // The gated variant's solutions are made before the load starts: not part of what it times.
    const proofs = await variant.proofs?.(campaignId, durationSeconds);
    return runLoad({
      url: variant.url,
      requests: applications(campaignId, users(phase), proofs),
      connections: settings.connections,
      durationSeconds,
      pids,
    });
  };

  if (settings.warmupSeconds > 0) {
    const warmup = campaign('warm');
    await variant.createCampaign(warmup, totalQuantity);
    await load(warmup, 'w', settings.warmupSeconds);
    await variant.release?.(warmup);
  }
  const campaignId = campaign('run');
  await variant.createCampaign(campaignId, totalQuantity);
  const result = await load(campaignId, 'm', settings.durationSeconds);
  checkQuiet(result.cpuPercent, `${label} ${SCENARIO_LABELS[scenario]}`);

  // Requests in flight when autocannon stopped may still be granted (and, for the service,
  // persisted) after the load ends: wait for the store to settle before tallying.
  let persisted: Pick<VariantRun, 'persistedAfterLoadEndMs' | 'persistLagMs'> = {};
  let issued = (await variant.tally(campaignId)).issued;
  if (variant.table !== undefined && issued !== null) {
    const timeoutMs = isService(variant.name) ? 120_000 : 10_000;
    const settling = performance.now();
    let waited: number | undefined;
    // On a busy machine a request still in flight may be granted after the first count: wait
    // again until the count stops moving, so the rows are compared with the final count.
    for (let round = 0; round < 10; round += 1) {
      waited = await waitForRows(environment.mysql, variant.table, campaignId, issued, timeoutMs);
      const again: number = (await variant.tally(campaignId)).issued ?? issued;
      if (waited === undefined || again === issued) break;
      issued = again;
    }
    if (isService(variant.name)) {
      persisted = {
        persistedAfterLoadEndMs:
          waited === undefined ? null : Math.round(performance.now() - settling),
        persistLagMs: await persistLag(environment, campaignId),
      };
    }
  }
  const tally = await variant.tally(campaignId);
  await variant.release?.(campaignId);
  const granted = result.statusCodes['201'] ?? 0;
  // Correct: never over the cap, no user twice, every grant the store counted is a row (for a
  // variant that keeps rows), and the 201s are those grants, up to the requests cut off in flight
  // when the load stopped and the grants answered 503 (not replicated in time: kept, not lost).
  const correct =
    tally.issued === null
      ? null
      : tally.issued <= totalQuantity &&
        (tally.duplicates ?? 0) === 0 &&
        (tally.rows === null || tally.rows === tally.issued) &&
        granted <= tally.issued &&
        tally.issued - granted <= settings.connections + (result.statusCodes['503'] ?? 0);
  log(
    `${SCENARIO_LABELS[scenario]} ${label}: ${result.requestsPerSecond} req/s, p99 ${result.latencyMs.p99} ms, ` +
      `codes ${JSON.stringify(result.statusCodes)}, issued ${tally.issued} rows ${tally.rows}` +
      (persisted.persistedAfterLoadEndMs !== undefined
        ? `, persisted ${persisted.persistedAfterLoadEndMs} ms after load`
        : ''),
  );
  return {
    variant: variant.name,
    campaignId,
    totalQuantity,
    load: result,
    tally,
    correct,
    ...persisted,
  };
}

function withRatios(runs: MeasuredRun[]): VariantRun[] {
  const ceiling = runs.find((r) => r.variant === 'ceiling')?.load.requestsPerSecond;
  return runs.map((r) => ({
    ...r,
    ratioToCeiling: ceiling ? round(r.load.requestsPerSecond / ceiling, 3) : null,
  }));
}

/** Runs the service on `ledger` (its Redis' CPU reported as `redis`), then stops both. */
async function withServiceOn<T>(
  environment: BenchEnvironment,
  ledger: LedgerTarget,
  topic: string,
  during: string,
  measure: (variant: Variant, pids: Record<string, number>, ledger: LedgerTarget) => Promise<T>,
  serviceEnv: Record<string, string> = {},
): Promise<T> {
  try {
    const variant = await startVariant('service', environment, {
      topic: environment.topic(topic),
      apiNodeFlags,
      ledger,
      serviceEnv,
    });
    try {
      const services = servicePids();
      const pids = { ...variant.pids, ...services, redis: ledger.pid };
      const result = await measure(variant, pids, ledger);
      checkServicesUnchanged(services, during);
      const changed = await ledger.changed();
      if (changed) warnings.push(`${changed} (${during})`);
      return result;
    } finally {
      await variant.stop();
    }
  } finally {
    await ledger.close();
  }
}

/**
 * (c) and (d): the service on a Redis of the bench's own (fsync always, like services.sh's) and a
 * catalog of its own: the earlier scenarios' campaigns have their ledgers on other Redis servers,
 * so here every read of the campaign list would summarise a dozen campaigns this ledger does not
 * hold, and the service would reconcile them: recovery, not reads of a sold-out campaign.
 */
async function measureAfterSellOutScenarios(
  environment: BenchEnvironment,
  scenarios: AfterSellOutName[],
): Promise<AfterSellOutRun[]> {
  return withServiceAlone(
    'bench_after',
    environment,
    'issued-after-sell-out',
    'the after-sell-out scenarios',
    async (own, variant, pids, ledger) => {
      const runs = await measureAfterSellOut(
        own,
        variant,
        ledger,
        scenarios,
        {
          connections: settings.connections,
          warmupSeconds: settings.warmupSeconds,
          durationSeconds: settings.durationSeconds,
          totalQuantity: settings.stampede.totalQuantity,
          users: settings.stampede.users,
          idleSeconds: settings.afterSellOut.idleSeconds,
        },
        pids,
        log,
      );
      for (const run of runs) checkQuiet(run.load.cpuPercent, `the service, ${run.scenario}`);
      return runs;
    },
  );
}

/** Idle: a catalog of finished campaigns, and nobody asking (the service on a Redis of its own). */
async function measureIdleScenario(environment: BenchEnvironment): Promise<IdleRun> {
  const idle = settings.idle;
  // A catalog of its own: the earlier scenarios' campaigns live on other Redis servers, so on this
  // one the service would find them missing and reconcile them, which is recovery, not idle.
  return withServiceAlone(
    'bench_idle',
    environment,
    'issued-idle',
    'the idle scenario',
    (own, variant, _pids, ledger) => measureIdle(own, variant, ledger, idle, log),
    { OUTBOX_QUIET_MS: String(idle.quietMs) },
  );
}

/**
 * The service alone: on a Redis server of the bench's own (fsync always) and a fresh database
 * `catalog` (its DATABASE_URL, through the environment), both gone afterwards.
 */
async function withServiceAlone<T>(
  catalog: string,
  environment: BenchEnvironment,
  topic: string,
  during: string,
  measure: (
    own: BenchEnvironment,
    variant: Variant,
    pids: Record<string, number>,
    ledger: LedgerTarget,
  ) => Promise<T>,
  serviceEnv: Record<string, string> = {},
): Promise<T> {
  const { databaseUrl, mysql } = await freshDatabase(catalog);
  const own: BenchEnvironment = { ...environment, databaseUrl, mysql };
  try {
    return await withServiceOn(
      own,
      await benchRedisServer('always'),
      topic,
      during,
      (variant, pids, ledger) => measure(own, variant, pids, ledger),
      serviceEnv,
    );
  } finally {
    await mysql.end();
  }
}

/** (e): all grants on each durability level, one service and one ledger at a time. */
async function measureDurability(environment: BenchEnvironment): Promise<MeasuredDurability[]> {
  const runs: MeasuredDurability[] = [];
  for (const level of settings.durabilityLevels) {
    const ledger = await startLedger(level, runId);
    const label = `service-${level}`;
    const run = await withServiceOn(
      environment,
      ledger,
      `issued-${label}`,
      `${DURABILITY_LABEL}, ${level}`,
      (variant, pids) => measureAllGrants(environment, variant, pids, label),
    );
    runs.push({ ...run, level, ledger: ledger.description });
  }
  return runs;
}

type MeasuredDurability = Omit<DurabilityRun, 'ratioToCeiling'>;

async function main(): Promise<number> {
  const startedAt = new Date();
  const loadAverageAtStart = loadavg().map((n) => round(n, 2));
  const environment = await prepareEnvironment(runId, Number(args['redis-db']));
  try {
    const machine = await describeMachine(environment);
    log(
      `bench ${runId}: ${machine.cores} cores, node ${machine.node}, ${JSON.stringify(settings)}`,
    );
    const stampede: MeasuredRun[] = [];
    const allGrants: MeasuredRun[] = [];
    for (const name of variants) {
      const runs = await measureVariant(environment, name);
      if (runs.stampede) stampede.push(runs.stampede);
      if (runs.allGrants) allGrants.push(runs.allGrants);
    }
    // The service-only scenarios start their own processes (and Redis servers): not profiled.
    const afterSellOutScenarios = (['reads', 'soldOut'] as const).filter((s) =>
      scenarioNames.includes(s),
    );
    const afterSellOut =
      afterSellOutScenarios.length > 0 && !args.profile
        ? await measureAfterSellOutScenarios(environment, afterSellOutScenarios)
        : [];
    const idle =
      scenarioNames.includes('idle') && !args.profile
        ? await measureIdleScenario(environment)
        : undefined;
    const durability =
      scenarioNames.includes('durability') && !args.profile
        ? await measureDurability(environment)
        : [];
    const consumer = [];
    if (scenarioNames.includes('consumer') && !args.profile) {
      const services = servicePids();
      consumer.push(
        await measureConsumer(
          environment,
          'batched',
          settings.consumerEvents.batched,
          settings.consumerEvents.batched,
        ),
      );
      consumer.push(
        await measureConsumer(
          environment,
          'row-by-row',
          settings.consumerEvents.rowByRow,
          settings.consumerEvents.batched,
        ),
      );
      checkServicesUnchanged(services, 'the consumer measurements');
      for (const c of consumer) checkQuiet(c.cpuPercent, `the ${c.mode} consumer`);
      for (const c of consumer)
        log(`consumer ${c.mode}: ${c.events} events, ${c.couponsPerSecond} coupons/s`);
    }
    const scenarios = { stampede: withRatios(stampede), allGrants: withRatios(allGrants) };
    const ceilingAllGrants = allGrants.find((r) => r.variant === 'ceiling')?.load.requestsPerSecond;
    const results: BenchResults = {
      runId,
      startedAt: startedAt.toISOString(),
      finishedAt: new Date().toISOString(),
      command: `npm run bench${process.argv.length > 2 ? ` -- ${process.argv.slice(2).join(' ')}` : ''}`,
      smoke,
      machine,
      revision: sourceRevision(),
      conditions: { loadAverageAtStart, warnings },
      settings,
      scenarios,
      afterSellOut,
      ...(idle ? { idle } : {}),
      durability: durability.map((run) => ({
        ...run,
        ratioToCeiling: ceilingAllGrants
          ? round(run.load.requestsPerSecond / ceilingAllGrants, 3)
          : null,
      })),
      consumer,
      targets: evaluateTargets(scenarios, consumer, afterSellOut, idle),
    };
    return writeOutputs(results);
  } finally {
    await environment.close();
  }
}

/**
 * The real run writes the committed outputs, unless a service restarted under it (then, like
 * smoke and profile runs, only a temp folder). Returns the exit code.
 */
function writeOutputs(results: BenchResults): number {
  for (const warning of warnings) log(`WARNING: ${warning}`);
  for (const t of results.targets)
    log(`target ${t.name}: ${t.target}, actual ${t.actual} → ${t.holds ? 'met' : 'NOT MET'}`);
  const disturbed = warnings.length > 0;
  // Only a full, undisturbed real run replaces the committed figures.
  const partial =
    args.variants !== ALL_VARIANTS ||
    args.scenarios !== ALL_SCENARIOS ||
    args['api-node-flags'] !== '';
  if (smoke || profileDir || disturbed || partial) {
    const kind = smoke ? 'smoke' : profileDir ? 'profile' : disturbed ? 'disturbed' : 'partial';
    const out = profileDir ?? join(tmpdir(), `bench-${kind}-${runId}`);
    mkdirSync(out, { recursive: true });
    writeFileSync(join(out, 'results.json'), `${JSON.stringify(results, null, 2)}\n`);
    writeFileSync(join(out, 'benchmarks.svg'), renderChart(results));
    log(
      `results written to ${out} only${disturbed ? ': the run was disturbed, run it again on a quiet machine' : ''}`,
    );
    if (profileDir) summariseProfiles(profileDir, results);
    return disturbed && !smoke ? 3 : 0;
  }
  mkdirSync(root('bench/results'), { recursive: true });
  writeFileSync(root('bench/results/latest.json'), `${JSON.stringify(results, null, 2)}\n`);
  writeDocs(results);
  return 0;
}

/** docs/benchmarks.svg and the generated section of docs/benchmarks.md (the rest is kept). */
function writeDocs(results: BenchResults): void {
  writeFileSync(root('docs/benchmarks.svg'), renderChart(results));
  const doc = root('docs/benchmarks.md');
  let existing = '';
  try {
    existing = readFileSync(doc, 'utf8');
  } catch {
    // first run: the section alone
  }
  writeFileSync(doc, replaceResultsSection(existing, renderResultsSection(results)));
  log('wrote docs/benchmarks.svg, docs/benchmarks.md');
}

/**
 * Per process folder, the main thread's profile (thread id 0 in the file name) summarised; for
 * a variant's server, also its CPU per stampede request (from /proc, during the measured load)
 * split by component in the profile's proportions: `profiles/<run>/per-request.md`.
 */
function summariseProfiles(dir: string, results: BenchResults): void {
  const rows: string[] = [];
  for (const entry of readdirSync(dir, { withFileTypes: true }).filter((e) => e.isDirectory())) {
    const folder = join(dir, entry.name);
    const main = readdirSync(folder).find((f) =>
      /^CPU\.\d+\.\d+\.\d+\.0\.\d+\.cpuprofile$/.test(f),
    );
    if (!main) continue;
    const profile = JSON.parse(readFileSync(join(folder, main), 'utf8')) as CpuProfile;
    const summary = summariseProfile(profile, 30);
    writeFileSync(join(dir, `${entry.name}-summary.txt`), summary);
    log(`\n== ${entry.name} (main thread) ==\n${summary}`);
    const variant = entry.name === 'api' ? 'service' : entry.name;
    const run = results.scenarios.stampede?.find((r) => r.variant === variant);
    if (!run || run.load.requestsPerSecond <= 0) continue;
    const cpuUs = ((run.load.cpuPercent.server ?? 0) / 100) * (1e6 / run.load.requestsPerSecond);
    const parts = componentsPerRequest(profile, cpuUs).filter((p) => p.us >= 0.5);
    rows.push(
      `| ${variant} | ${run.load.requestsPerSecond} | ${cpuUs.toFixed(0)} | ${parts
        .map((p) => `${p.component} ${p.us.toFixed(0)}`)
        .join(' · ')} |`,
    );
  }
  if (rows.length === 0) return;
  const table = [
    `(a) stampede, run \`${results.runId}\`: server CPU per request (µs, from /proc during the load) by component (profile shares from the first request on)`,
    '',
    '| variant | req/s | µs/request | by component (µs) |',
    '| --- | ---: | ---: | --- |',
    ...rows,
    '',
  ].join('\n');
  writeFileSync(join(dir, 'per-request.md'), table);
  log(`\n${table}`);
}

for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.once(signal, () => {
    void Promise.all([stopAllNodeProcesses(), stopAllRedisServers()]).finally(() =>
      process.exit(130),
    );
  });
}
if (args.render) {
  // No measurement: redraw the chart and the doc section from the committed results.
  writeDocs(JSON.parse(readFileSync(root('bench/results/latest.json'), 'utf8')) as BenchResults);
} else {
  process.exitCode = await main();
}
