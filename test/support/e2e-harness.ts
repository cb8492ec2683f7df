import { fetchFrom, openCampaign } from '../../scripts/lib/open-campaign.ts';
import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { Kafka, logLevel } from 'kafkajs';
import { afterAll, afterEach } from 'vitest';
import { join } from 'node:path';
import { EventSigner } from '../../src/adapters/kafka/event-signature.ts';
import {
  freePort,
  nodeArgs,
  startEntrypoint,
  type StartedProcess,
} from '../../scripts/lib/embedded-process.ts';
import { Probes, type SentinelAddress } from './e2e-probes.ts';
import { ServiceFaults } from './e2e-services.ts';
import { waitFor } from './e2e-wait.ts';
import { randomCampaignId } from './mothers.ts';
import { requireService } from './real-services.ts';

/**
 * The entrypoints (src/bootstrap/entrypoints/), by name, as sources (run under tsx) or, in a
 * built artefact, as `.js`.
 */
const ENTRYPOINTS = {
  api: 'main-api',
  consumer: 'main-consumer',
  migrate: 'migrate',
  'rebuild-ledger': 'cli-rebuild-ledger',
  'retry-failed': 'cli-retry-failed',
  audit: 'cli-audit',
} as const;
type Entrypoint = keyof typeof ENTRYPOINTS;
export type Cli = Exclude<Entrypoint, 'api' | 'consumer'>;
const OUTPUT_KEPT = 2000; // chunks of a child's output kept for the failure report
/**
 * The e2e's own logical Redis database. Every api process on this Redis relays the outbox of
 * every campaign in its database; in the default one, another run's api (a benchmark, a demo)
 * would take this file's grants and publish them to ITS topic. Here only e2e processes look.
 */
const E2E_REDIS_DB = 9;

function inDatabase(redisUrl: string, db: number): string {
  const url = new URL(redisUrl);
  url.pathname = `/${db}`;
  return url.toString();
}

/** Which Redis the processes use as their ledger, and how the probes reach it. */
export interface E2eLedger {
  /** REDIS_URL / REDIS_SENTINELS… for the processes (unused ways set to '', never inherited). */
  readonly env: Record<string, string>;
  readonly probe: string | SentinelAddress;
}

/** The standalone Redis of scripts/services.sh, in the e2e's own database. */
export function standaloneLedger(url = requireService('REDIS_URL')): E2eLedger {
  const inE2eDb = inDatabase(url, E2E_REDIS_DB);
  return { env: { REDIS_URL: inE2eDb, REDIS_SENTINELS: '' }, probe: inE2eDb };
}

/** A running api or consumer process, with its output kept for when a test fails. */
export class E2eProcess {
  readonly #exit: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;

  constructor(
    readonly name: string,
    readonly started: StartedProcess,
    /** The latest chunks of its stdout and stderr (pino JSON lines at LOG_LEVEL=warn). */
    readonly output: string[],
  ) {
    const { child } = started;
    this.#exit =
      child.exitCode !== null || child.signalCode !== null
        ? Promise.resolve({ code: child.exitCode, signal: child.signalCode })
        : new Promise((resolve) => child.once('exit', (code, signal) => resolve({ code, signal })));
  }

  get url(): string {
    return this.started.url;
  }

  get alive(): boolean {
    return this.started.child.exitCode === null && this.started.child.signalCode === null;
  }

  /** Sends a signal without waiting (a second SIGTERM, a SIGKILL mid-stampede). */
  signal(signal: NodeJS.Signals): void {
    if (this.alive) this.started.child.kill(signal);
  }

  /** Resolves with the exit code (null when a signal ended it); fails if it takes too long. */
  async exited(timeoutMs = 30_000): Promise<number | null> {
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(
        () => reject(new Error(`${this.name} did not exit within ${timeoutMs} ms`)),
        timeoutMs,
      );
    });
    try {
      return (await Promise.race([this.#exit, timeout])).code;
    } finally {
      clearTimeout(timer);
    }
  }

  /** Signal, then wait for the exit; SIGKILL as a last resort so no test leaves a process behind. */
  async stop(signal: NodeJS.Signals = 'SIGTERM', timeoutMs = 30_000): Promise<number | null> {
    this.signal(signal);
    if (signal !== 'SIGKILL') this.signal('SIGCONT'); // a frozen process could not handle it
    try {
      return await this.exited(timeoutMs);
    } catch (error) {
      this.signal('SIGKILL');
      await this.exited(5_000);
      throw error;
    }
  }
}

/**
 * The real production processes on the real services, isolated per test file: their own Kafka
 * topic and consumer group (so other runs sharing the broker neither eat nor feed this file's
 * events), a random campaign per test, and direct probes into MySQL and Redis.
 */
export class E2eSystem {
  readonly faults = new ServiceFaults();
  readonly probes: Probes;
  readonly adminToken = randomBytes(16).toString('hex');
  readonly topic = `e2e-${randomBytes(5).toString('hex')}`;
  /** EVENT_SIGNING_KEYS of this file's processes: one key, `e2e`, random per run. */
  readonly signingKey = { id: 'e2e', secret: randomBytes(24).toString('hex') };
  readonly signingKeys = `${this.signingKey.id}:${this.signingKey.secret}`;
  readonly #env: Record<string, string>;
  readonly #processes = new Set<E2eProcess>();
  readonly #campaigns: string[] = [];
  #starts = 0;
  /** A folder holding a built artefact (package.json, node_modules, dist/): run that instead. */
  #artefact: string | undefined;

  constructor(ledger: E2eLedger = standaloneLedger()) {
    const services = {
      KAFKA_BROKERS: requireService('KAFKA_BROKERS'),
      DATABASE_URL: requireService('DATABASE_URL'),
    };
    this.probes = new Probes(services.DATABASE_URL, ledger.probe);
    this.#env = {
      ...services,
      ...ledger.env,
      REDIS_CLUSTER_NODES: '', // never the cluster by accident, whatever the shell exported
      KAFKA_TOPIC: this.topic,
      KAFKA_CONSUMER_GROUP: this.topic,
      ADMIN_TOKEN: this.adminToken,
      // main-api refuses to start without an explicit AUTH_MODE; the e2e clients name the user.
      AUTH_MODE: 'body',
      // Every process on Kafka signs / verifies its events (trusted events, issue 15).
      EVENT_SIGNING_KEYS: this.signingKeys,
      LOG_LEVEL: 'warn',
    };
  }

  /**
   * From now on, run the compiled entrypoints of the artefact in `folder` with plain node (and
   * from that folder), instead of the sources under tsx.
   */
  runArtefact(folder: string): void {
    this.#artefact = folder;
  }

  private entry(name: Entrypoint): string {
    const file = ENTRYPOINTS[name];
    return this.#artefact === undefined
      ? `src/bootstrap/entrypoints/${file}.ts`
      : join(this.#artefact, 'dist', 'bootstrap', 'entrypoints', `${file}.js`);
  }

  /** The api entrypoint (HTTP + relay), ready once /health/ready says every dependency is up. */
  async startApi(env: Record<string, string> = {}): Promise<E2eProcess> {
    return this.spawn('api', this.entry('api'), env, '/health/ready');
  }

  /** The consumer entrypoint, ready once it is a member of its (stable) consumer group. */
  async startConsumer(env: Record<string, string> = {}): Promise<E2eProcess> {
    const consumer = await this.spawn('consumer', this.entry('consumer'), {
      METRICS_PORT: String(await freePort()),
      ...env,
    });
    const clientId = `${consumer.name}-consumer`; // adapters-kafka.ts: `${KAFKA_CLIENT_ID}-${role}`
    await waitFor(
      `${consumer.name} to join consumer group ${this.topic}`,
      async () => {
        if (!consumer.alive)
          throw new Error(`${consumer.name} exited:\n${consumer.output.join('')}`);
        const group = await this.withAdmin((admin) => admin.describeGroups([this.topic]));
        const [described] = group.groups;
        const joined =
          described?.state === 'Stable' && described.members.some((m) => m.clientId === clientId);
        return joined ? true : undefined;
      },
      // A consumer SIGKILLed before keeps its membership until the session timeout (30 s).
      { timeoutMs: 90_000, intervalMs: 500 },
    );
    return consumer;
  }

  /**
   * A fresh campaign with a random id, created and published through the admin API (a draft in
   * MySQL, then its rules in Redis), every warning of its preview acknowledged.
   */
  async createCampaign(
    api: E2eProcess,
    totalQuantity: number,
    id: string = randomCampaignId('e2e'),
    extra: Record<string, unknown> = {},
  ): Promise<string> {
    const response = await openCampaign(fetchFrom(api.url), this.adminToken, {
      id,
      name: 'E2E drop',
      totalQuantity,
      ...extra,
    });
    if (response.status !== 200) {
      throw new Error(
        `creating campaign ${id} failed: ${response.status} ${await response.text()}`,
      );
    }
    this.#campaigns.push(id);
    return id;
  }

  /** A campaign created some other way (through the admin routes by hand): forgotten at the end too. */
  track(campaignId: string): void {
    this.#campaigns.push(campaignId);
  }

  /** Runs an operator CLI (`migrate`, `rebuild-ledger`, `retry-failed`) with this file's environment. */
  runCli(
    name: Cli,
    args: string[] = [],
    env: Record<string, string> = {},
  ): Promise<{ code: number; output: string }> {
    return new Promise((resolve) => {
      execFile(
        process.execPath,
        [...nodeArgs(this.entry(name)), ...args],
        {
          env: { ...process.env, ...this.#env, ...env },
          timeout: 60_000,
          ...(this.#artefact === undefined ? {} : { cwd: this.#artefact }),
        },
        (error, stdout, stderr) => {
          const code = error ? (typeof error.code === 'number' ? error.code : 1) : 0;
          resolve({ code, output: `${stdout}${stderr}` });
        },
      );
    });
  }

  /**
   * Produces raw messages to this file's topic, as a broken producer would: signed with this
   * file's key (a bug of ours, not a forger), unless `signed: false` (a foreign producer).
   */
  async produce(values: readonly string[], { signed = true } = {}): Promise<void> {
    const producer = this.kafka().producer({ allowAutoTopicCreation: false });
    const signer = new EventSigner(this.signingKey);
    await producer.connect();
    try {
      await producer.send({
        topic: this.topic,
        acks: -1,
        messages: values.map((text) => {
          const value = Buffer.from(text, 'utf8');
          return signed ? { value, headers: signer.headers(value) } : { value };
        }),
      });
    } finally {
      await producer.disconnect();
    }
  }

  /**
   * The topic's end offsets and the group's committed offsets, summed over partitions: `end -
   * committed` is what a restarted consumer would be handed again.
   */
  async offsets(): Promise<{ end: number; committed: number }> {
    return this.withAdmin(async (admin) => {
      const [ends, [committed]] = await Promise.all([
        admin.fetchTopicOffsets(this.topic),
        admin.fetchOffsets({ groupId: this.topic, topics: [this.topic] }),
      ]);
      return {
        end: ends.reduce((sum, p) => sum + Number(p.high), 0),
        // -1 = nothing committed yet on that partition.
        committed: (committed?.partitions ?? []).reduce(
          (sum, p) => sum + Math.max(0, Number(p.offset)),
          0,
        ),
      };
    });
  }

  /**
   * The topic is lost with every event in it (a deleted topic, a broker that lost its disk), then
   * created again empty, with as many partitions, as an operator restoring it would. The group's
   * committed offsets go with it.
   */
  async loseTopic(): Promise<void> {
    await this.withAdmin(async (admin) => {
      const metadata = await admin.fetchTopicMetadata({ topics: [this.topic] });
      const partitions = metadata.topics[0]?.partitions.length ?? 1;
      await admin.deleteTopics({ topics: [this.topic] });
      // Deletion is asynchronous: "marked for deletion" until the controller is done.
      await waitFor('the topic to be created again', async () => {
        if ((await admin.listTopics()).includes(this.topic)) return undefined;
        const created = await admin
          .createTopics({
            topics: [{ topic: this.topic, numPartitions: partitions, replicationFactor: 1 }],
            waitForLeaders: true,
          })
          .catch(() => false);
        return created ? true : undefined;
      });
    });
  }

  /** Output of every process this file started, for the report of a failed test. */
  logs(): string {
    return [...this.#processes].map((p) => `--- ${p.name} ---\n${p.output.join('')}`).join('\n');
  }

  /**
   * After each test: services back up first (so processes can shut down cleanly and flush), then
   * every process still running is stopped. Safe to call when the test failed half-way.
   */
  async reset(): Promise<void> {
    await this.faults.restoreAll();
    await Promise.allSettled([...this.#processes].filter((p) => p.alive).map((p) => p.stop()));
    this.#processes.clear();
  }

  /** After the file: everything above, then the file's topic and group go away. */
  async close(): Promise<void> {
    try {
      await this.reset();
      await this.withAdmin(async (admin) => {
        await admin.deleteGroups([this.topic]).catch(() => undefined);
        await admin.deleteTopics({ topics: [this.topic] }).catch(() => undefined);
      });
      await this.probes.forget(this.#campaigns);
    } finally {
      await this.probes.close();
    }
  }

  private async spawn(
    role: string,
    entry: string,
    env: Record<string, string>,
    readyPath?: string,
  ): Promise<E2eProcess> {
    const name = `e2e-${role}-${++this.#starts}`;
    const output: string[] = [];
    const log = (chunk: string) => {
      output.push(chunk);
      if (output.length > OUTPUT_KEPT) output.shift();
    };
    const started = await startEntrypoint(
      entry,
      { ...this.#env, KAFKA_CLIENT_ID: name, ...env },
      {
        log,
        ...(readyPath === undefined ? {} : { readyPath }),
        ...(this.#artefact === undefined ? {} : { cwd: this.#artefact }),
      },
    ).catch((error: unknown) => {
      throw new Error(`${name} did not start: ${String(error)}\n${output.join('')}`);
    });
    const child = new E2eProcess(name, started, output);
    this.#processes.add(child);
    return child;
  }

  private kafka(): Kafka {
    return new Kafka({
      clientId: 'e2e-harness',
      brokers: requireService('KAFKA_BROKERS').split(','),
      logLevel: logLevel.NOTHING,
      retry: { retries: 3, initialRetryTime: 300 },
    });
  }

  /** A short-lived admin client: a long-lived one would hold a connection a Kafka restart broke. */
  private async withAdmin<T>(use: (admin: ReturnType<Kafka['admin']>) => Promise<T>): Promise<T> {
    const admin = this.kafka().admin();
    await admin.connect();
    try {
      return await use(admin);
    } finally {
      await admin.disconnect();
    }
  }
}

/**
 * One system per test file, with the hooks every e2e file needs: after each test the services
 * are restored and the processes stopped (whatever the outcome, so later suites are not
 * poisoned), and a failed test prints the processes' output. E2E_LOGS=1 prints it always.
 */
export function useE2eSystem(ledger?: E2eLedger): E2eSystem {
  const system = new E2eSystem(ledger);
  afterEach(async (context) => {
    if (context.task.result?.state === 'fail' || process.env['E2E_LOGS'])
      console.error(system.logs());
    await system.reset();
  });
  afterAll(async () => {
    await system.close();
  });
  return system;
}
