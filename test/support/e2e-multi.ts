import { Kafka, logLevel } from 'kafkajs';
import { Redis } from 'ioredis';
import type { SubLedgerTag } from '../../src/adapters/redis/redis-keys.ts';
import { layoutOf, ShardedKeys } from '../../src/adapters/redis/sharded/sharded-layout.ts';
import type { CampaignId } from '../../src/domain/ids.ts';
import { Probes, type LedgerState } from './e2e-probes.ts';
import { fire, StampedeOutcome, type Answer } from './e2e-stampede.ts';
import { requireService } from './real-services.ts';

/**
 * Helpers for the multi-process e2e (several api and consumer processes at once): a stampede
 * spread over several api processes, probes for a campaign in sharded-stock mode, and a look at
 * the Kafka side (partitions, group members).
 */

export interface SpreadOptions {
  /** One base URL per api process; request i goes to `baseUrls[i % n]`. */
  readonly baseUrls: readonly string[];
  readonly campaignId: string;
  readonly users: readonly string[];
  /** Requests in flight at once, over all api processes together. */
  readonly concurrency: number;
  /** Called after each answer (from any api) with how many came back so far. */
  readonly onAnswer?: (answered: number, answer: Answer) => void;
}

export interface SpreadOutcome {
  /** Every answer, as one stampede. */
  readonly outcome: StampedeOutcome;
  /** Requests each api process answered (or failed to), in `baseUrls` order. */
  readonly perApi: readonly number[];
}

/** A stampede spread round-robin over several api processes, each with its share of workers. */
export async function fireSpread(options: SpreadOptions): Promise<SpreadOutcome> {
  const n = options.baseUrls.length;
  if (n === 0) throw new Error('fireSpread: at least one api is required');
  let answered = 0;
  const outcomes = await Promise.all(
    options.baseUrls.map((baseUrl, k) =>
      fire({
        baseUrl,
        campaignId: options.campaignId,
        users: options.users.filter((_, i) => i % n === k),
        concurrency: Math.max(1, Math.ceil(options.concurrency / n)),
        onAnswer: (_, answer) => options.onAnswer?.(++answered, answer),
      }),
    ),
  );
  return {
    outcome: new StampedeOutcome(outcomes.flatMap((o) => o.answers)),
    perApi: outcomes.map((o) => o.requests),
  };
}

/**
 * The logical Redis database the e2e processes use: the same as e2e-harness.ts's E2E_REDIS_DB
 * (not exported there); the probes below read the keys those processes write.
 */
const E2E_REDIS_DB = 9;

function e2eRedisUrl(): string {
  const url = new URL(requireService('REDIS_URL'));
  url.pathname = `/${E2E_REDIS_DB}`;
  return url.toString();
}

/**
 * Probes for campaigns in sharded-stock mode (LEDGER_SHARDS > 1): the ledger is N sub-ledgers,
 * each with its own count, winners hash and outbox stream under its own hash tag, so the
 * ledger's count is their sum, its winners their union and its outbox all their streams. The
 * SQL probes are Probes' own, so `converge` and `judge` work unchanged on a sharded campaign.
 */
export class ShardedProbes extends Probes {
  readonly #redis: Redis;
  readonly #keys = new ShardedKeys();

  constructor() {
    const redisUrl = e2eRedisUrl();
    super(requireService('DATABASE_URL'), redisUrl);
    this.#redis = new Redis(redisUrl, { maxRetriesPerRequest: 1, lazyConnect: true });
    this.#redis.on('error', () => undefined);
  }

  /** The campaign's sub-ledger tags, from the shard count every process reads; none if unset. */
  async subLedgers(campaignId: string): Promise<SubLedgerTag[]> {
    await this.connect();
    const id = campaignId as CampaignId;
    const raw = await this.#redis.get(this.#keys.shardCount(id));
    if (raw === null) return [];
    return [...layoutOf(id, Number(raw)).tags];
  }

  /** Summed over the sub-ledgers; count is null while the campaign has none (not defined). */
  override async ledger(campaignId: string): Promise<LedgerState> {
    const tags = await this.subLedgers(campaignId);
    if (tags.length === 0) return { count: null, users: 0, outbox: 0 };
    const states = await Promise.all(
      tags.map(async (tag) => {
        const [count, users, outbox] = await Promise.all([
          this.#redis.get(this.#keys.count(tag)),
          this.#redis.hlen(this.#keys.users(tag)),
          this.#redis.xlen(this.#keys.outbox(tag)),
        ]);
        return { count: Number(count ?? 0), users, outbox };
      }),
    );
    return states.reduce(
      (sum, s) => ({
        count: (sum.count ?? 0) + s.count,
        users: sum.users + s.users,
        outbox: sum.outbox + s.outbox,
      }),
      { count: 0, users: 0, outbox: 0 } as LedgerState,
    );
  }

  /** The union of the sub-ledgers' winners (a user is on exactly one of them). */
  override async grants(campaignId: string): Promise<Map<string, number>> {
    const tags = await this.subLedgers(campaignId);
    const all = new Map<string, number>();
    for (const tag of tags) {
      const winners = await this.#redis.hgetall(this.#keys.users(tag));
      for (const [user, sequence] of Object.entries(winners)) {
        if (all.has(user)) throw new Error(`${user} holds a coupon on two sub-ledgers`);
        all.set(user, Number(sequence));
      }
    }
    return all;
  }

  override async close(): Promise<void> {
    this.#redis.disconnect();
    await super.close();
  }

  private async connect(): Promise<void> {
    if (this.#redis.status === 'wait') await this.#redis.connect();
  }
}

/** The topic's partition count and the group's members (client ids), read by a short-lived admin. */
export async function kafkaView(
  topic: string,
  groupId: string,
): Promise<{ partitions: number; members: string[]; state: string }> {
  const kafka = new Kafka({
    clientId: 'e2e-multi',
    brokers: requireService('KAFKA_BROKERS').split(','),
    logLevel: logLevel.NOTHING,
    retry: { retries: 3, initialRetryTime: 300 },
  });
  const admin = kafka.admin();
  await admin.connect();
  try {
    const [offsets, groups] = await Promise.all([
      admin.fetchTopicOffsets(topic),
      admin.describeGroups([groupId]),
    ]);
    const [group] = groups.groups;
    return {
      partitions: offsets.length,
      members: (group?.members ?? []).map((m) => m.clientId).sort(),
      state: group?.state ?? 'Unknown',
    };
  } finally {
    await admin.disconnect();
  }
}
