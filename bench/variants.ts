import { fetchFrom, openCampaign } from '../scripts/lib/open-campaign.ts';
import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { StartedProcess } from '../scripts/lib/embedded-process.ts';
import { RedisKeys } from '../src/adapters/redis/redis-keys.ts';
import { encodeRules } from '../src/adapters/redis/ledger-codec.ts';
import { DEFINE, registerScript } from '../src/adapters/redis/redis-scripts.ts';
import type { CampaignId } from '../src/domain/ids.ts';
import { couponRows, scalar, type BenchEnvironment } from './bench-environment.ts';
import { BENCH_TABLES, incrKeys, REFERENCE_KEY_PREFIX } from './bench-schema.ts';
import type { LedgerTarget } from './ledger-targets.ts';
import { startNodeProcess } from './node-process.ts';
import { BENCH_PROOF_DIFFICULTY, ProofSupply } from './proof-supply.ts';
import { BENCH_SIGNING_ENV } from './signing-key.ts';

export type VariantName =
  | 'ceiling'
  | 'reference'
  | 'service'
  | 'service-traced'
  | 'service-pow'
  | 'lock-based'
  | 'incr-insert'
  | 'ceiling-yield'
  | 'ceiling-node-body';

/** The service's processes (traced or gated too): rows in `coupon`, a consumer, a persist lag. */
export const isService = (name: VariantName) => name.startsWith('service');

/** Experiments: variants of the ceiling that price one effect each; the scenario is irrelevant to them. */
export const EXPERIMENTS: readonly VariantName[] = ['ceiling-yield', 'ceiling-node-body'];

export const VARIANT_LABELS: Record<VariantName, string> = {
  ceiling: 'ceiling (bare Hono, no I/O)',
  reference: 'reference (strict body check + one auto-pipelined EVALSHA of reserve.lua)',
  service: 'this service (Redis Lua + outbox → Kafka → MySQL)',
  'service-traced': 'this service, tracing on (every application sampled, OTLP to a local sink)',
  'service-pow':
    'this service with the proof-of-work gate (a valid, unused solution on every request)',
  'lock-based': 'lock-based (MySQL SELECT … FOR UPDATE, count, insert)',
  'incr-insert': 'INCR + direct MySQL insert per grant',
  'ceiling-yield': 'experiment: the ceiling + one `await setImmediate` per request',
  'ceiling-node-body': 'experiment: the ceiling reading the body from Node, not via a Web Request',
};

/** The same, short enough for the chart's row labels. */
export const VARIANT_SHORT_LABELS: Record<VariantName, string> = {
  ceiling: 'ceiling (bare Hono)',
  reference: 'reference (one EVALSHA)',
  service: 'this service',
  'service-traced': 'this service, traced',
  'service-pow': 'this service + proof of work',
  'lock-based': 'lock-based (FOR UPDATE)',
  'incr-insert': 'INCR + MySQL insert',
  'ceiling-yield': 'exp.: ceiling + yield',
  'ceiling-node-body': 'exp.: ceiling, Node body',
};

/** What the database and the ledger say after a run: the correctness columns. */
export interface Tally {
  /** Coupons the deciding store counted (Redis for the Redis designs, MySQL rows otherwise). */
  readonly issued: number | null;
  /** Rows in MySQL for the campaign (null: the variant keeps none, like the reference). */
  readonly rows: number | null;
  /** Users holding more than one coupon of the campaign (in MySQL). */
  readonly duplicates: number | null;
}

export interface Variant {
  readonly name: VariantName;
  readonly url: string;
  /** The variant's own processes, whose CPU is measured during the load. */
  readonly pids: Record<string, number>;
  /** The table the variant's coupons end up in (none for the ceiling). */
  readonly table: string | undefined;
  createCampaign(id: string, totalQuantity: number): Promise<void>;
  tally(campaignId: string): Promise<Tally>;
  /**
   * The gated variant: X-Proof-Of-Work headers for `seconds` of load on the campaign, made
   * before the load (each valid and unused), handed out one per request.
   */
  proofs?(campaignId: string, seconds: number): Promise<() => string | undefined>;
  /** Frees what a measured campaign left in Redis once it is tallied (the reference's outbox). */
  release?(campaignId: string): Promise<void>;
  stop(): Promise<void>;
}

/** A path relative to this folder (bench/), whatever the working directory. */
const path = (relative: string) => fileURLToPath(new URL(relative, import.meta.url));
const logTo = (name: string) => (text: string) => process.stderr.write(`[${name}] ${text}`);

/** Starts one variant's server (and, for the service, its consumer) on a free port. */
export async function startVariant(
  name: VariantName,
  environment: BenchEnvironment,
  options: {
    readonly topic: string;
    readonly profileDir?: string | undefined;
    readonly apiNodeFlags?: readonly string[];
    /** The service only: another Redis than the bench database (a durability level). */
    readonly ledger?: LedgerTarget;
    /** The service only: more settings for its processes. */
    readonly serviceEnv?: Record<string, string>;
  },
): Promise<Variant> {
  const env = {
    REDIS_URL: environment.redisUrl,
    DATABASE_URL: environment.databaseUrl,
    KAFKA_BROKERS: environment.kafkaBrokers,
    ...BENCH_SIGNING_ENV,
  };
  const profile = (folder: string) =>
    // One folder per process: --cpu-prof writes a profile per thread (tsx's loader runs in one).
    options.profileDir ? ['--cpu-prof', `--cpu-prof-dir=${join(options.profileDir, folder)}`] : [];
  // The CPU meter's names: the server, then the service's consumer and tracing collector.
  const names = ['server', 'consumer', 'collector'];
  const started = (processes: StartedProcess[]) => ({
    pids: Object.fromEntries(
      processes.map((p, i): [string, number] => [names[i] ?? `process ${i}`, p.child.pid ?? 0]),
    ),
    stop: async () => {
      for (const p of processes) await p.stop();
    },
  });
  const { mysql, redis } = environment;

  switch (name) {
    case 'ceiling':
    case 'ceiling-yield':
    case 'ceiling-node-body': {
      const mode = { CEILING_MODE: name.replace(/^ceiling-?/, '') || 'ceiling' };
      const server = await startNodeProcess(path('./servers/ceiling.ts'), mode, {
        execArgv: profile(name),
        readyPath: '/health',
        log: logTo(name),
      });
      return {
        name,
        url: server.url,
        table: undefined,
        ...started([server]),
        createCampaign: async () => {},
        tally: async () => ({ issued: null, rows: null, duplicates: null }),
      };
    }
    case 'reference': {
      const server = await startNodeProcess(path('./servers/reference.ts'), env, {
        execArgv: profile('reference'),
        readyPath: '/health',
        log: logTo(name),
      });
      const keys = new RedisKeys(REFERENCE_KEY_PREFIX);
      const define = registerScript(redis, DEFINE);
      return {
        name,
        url: server.url,
        table: undefined,
        ...started([server]),
        async createCampaign(id, totalQuantity) {
          // The service's own define script: the rules, and the fence's run id of this server.
          const campaign = {
            id: id as CampaignId,
            name: `bench ${id}`,
            totalQuantity,
            perUserLimit: 1,
          };
          await define(
            keys.campaign(campaign.id),
            keys.count(campaign.id),
            encodeRules(campaign),
            totalQuantity,
          );
        },
        async tally(campaignId) {
          const issued = Number((await redis.get(keys.count(campaignId as CampaignId))) ?? 0);
          return { issued, rows: null, duplicates: null };
        },
        async release(campaignId) {
          const id = campaignId as CampaignId;
          await redis.unlink(
            keys.campaign(id),
            keys.users(id),
            keys.count(id),
            keys.outbox(id),
            keys.issuedAt(id),
          );
        },
      };
    }
    case 'service':
    case 'service-traced':
    case 'service-pow': {
      const token = randomBytes(16).toString('hex');
      const ledger = options.ledger;
      const ledgerRedis = ledger?.redis ?? redis;
      const collector =
        name === 'service-traced'
          ? await startNodeProcess(path('./servers/otlp-sink.ts'), {}, { readyPath: '/health' })
          : undefined;
      // The gated variant: the same processes, every campaign with the proof-of-work gate.
      const supply = name === 'service-pow' ? new ProofSupply() : undefined;
      const shared = {
        ...env,
        ...ledger?.env,
        ...supply?.env,
        KAFKA_TOPIC: options.topic,
        LOG_LEVEL: 'warn',
        ...(collector ? tracingTo(collector.url) : {}),
        ...options.serviceEnv,
      };
      const consumer = await startNodeProcess(
        path('../src/bootstrap/entrypoints/main-consumer.ts'),
        { ...shared, KAFKA_CONSUMER_GROUP: `${options.topic}-persister`, METRICS_PORT: '0' },
        { execArgv: profile('consumer'), log: logTo('consumer') },
      );
      const api = await startNodeProcess(
        path('../src/bootstrap/entrypoints/main-api.ts'),
        { ...shared, ADMIN_TOKEN: token, AUTH_MODE: 'body' },
        {
          execArgv: [...(options.apiNodeFlags ?? []), ...profile('api')],
          readyPath: '/health/ready',
          log: logTo('api'),
        },
      );
      return {
        name,
        url: api.url,
        table: 'coupon',
        ...started([api, consumer, ...(collector ? [collector] : [])]),
        ...(collector ? { stop: stopTraced([api, consumer], collector) } : {}),
        async createCampaign(id, totalQuantity) {
          const gate = supply ? { proofOfWorkDifficulty: BENCH_PROOF_DIFFICULTY } : {};
          const campaign = { id, name: `bench ${id}`, totalQuantity, ...gate };
          const response = await openCampaign(fetchFrom(api.url), token, campaign);
          if (response.status !== 200)
            throw new Error(`open campaign: ${response.status} ${await response.text()}`);
        },
        async tally(campaignId) {
          const count = await ledgerRedis.get(`coupon:{${campaignId}}:count`);
          return { issued: Number(count ?? 0), ...(await couponRows(mysql, 'coupon', campaignId)) };
        },
        ...(supply ? { proofs: (id: string, seconds: number) => supply.mint(id, seconds) } : {}),
      };
    }
    case 'lock-based': {
      const server = await startNodeProcess(path('./servers/lock-based.ts'), env, {
        execArgv: profile('lock-based'),
        readyPath: '/health',
        log: logTo(name),
      });
      const table = BENCH_TABLES.lockCoupon;
      return {
        name,
        url: server.url,
        table,
        ...started([server]),
        async createCampaign(id, totalQuantity) {
          await mysql.execute(
            `insert into ${BENCH_TABLES.campaign} (id, total_quantity) values (?, ?)`,
            [id, totalQuantity],
          );
        },
        async tally(campaignId) {
          const { rows, duplicates } = await couponRows(mysql, table, campaignId);
          return { issued: rows, rows, duplicates };
        },
      };
    }
    case 'incr-insert': {
      const server = await startNodeProcess(path('./servers/incr-insert.ts'), env, {
        execArgv: profile('incr-insert'),
        readyPath: '/health',
        log: logTo(name),
      });
      const table = BENCH_TABLES.incrCoupon;
      return {
        name,
        url: server.url,
        table,
        ...started([server]),
        async createCampaign(id, totalQuantity) {
          await redis.set(incrKeys(id).total, totalQuantity);
        },
        async tally(campaignId) {
          const issued = Number((await redis.get(incrKeys(campaignId).count)) ?? 0);
          return { issued, ...(await couponRows(mysql, table, campaignId)) };
        },
      };
    }
  }
}

/** Every application traced (the worst case; a sampler keeps a share), exported over OTLP. */
function tracingTo(collectorUrl: string): Record<string, string> {
  return {
    OTEL_TRACES_EXPORTER: 'otlp',
    OTEL_EXPORTER_OTLP_ENDPOINT: collectorUrl,
    OTEL_TRACES_SAMPLER: 'always_on',
  };
}

/**
 * Stops the traced service, then checks that its spans reached the collector: a "traced" run
 * whose tracing was off would price nothing, so it fails instead of reporting figures.
 */
function stopTraced(service: StartedProcess[], collector: StartedProcess): () => Promise<void> {
  return async () => {
    for (const p of service) await p.stop();
    const received = (await (await fetch(`${collector.url}/received`)).json()) as {
      exports: number;
    };
    await collector.stop();
    if (received.exports === 0) throw new Error('service-traced: no span reached the collector');
  };
}

/** Grant-to-row delay of the service's coupons (persisted_at − issued_at), in ms. */
export async function persistLag(
  environment: BenchEnvironment,
  campaignId: string,
): Promise<{ p50: number; max: number } | null> {
  const lag = 'timestampdiff(microsecond, issued_at, persisted_at) / 1000';
  const max = await scalar(
    environment.mysql,
    `select max(${lag}) as n from coupon where campaign_id = ?`,
    [campaignId],
  );
  const rows = await scalar(
    environment.mysql,
    'select count(*) as n from coupon where campaign_id = ?',
    [campaignId],
  );
  if (rows === 0) return null;
  const p50 = await scalar(
    environment.mysql,
    `select ${lag} as n from coupon where campaign_id = ? order by ${lag} limit 1 offset ${Math.floor(rows / 2)}`,
    [campaignId],
  );
  return { p50: Math.round(p50), max: Math.round(max) };
}
