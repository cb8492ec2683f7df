import type {
  LedgerVersion,
  LedgerVersions,
} from '../../application/ports/ledger-versions.port.ts';
import type { CampaignId, UserId } from '../../domain/ids.ts';
import type { RedisConnection } from './redis-client.ts';
import { orUnavailable } from './redis-errors.ts';
import type { KeyNamespace } from './redis-keys.ts';
import { LEDGER_VERSION, registerScript, type ScriptCall } from './redis-scripts.ts';
import { ShardedKeys } from './sharded/sharded-layout.ts';

/**
 * A plain-layout campaign's LedgerVersion in one read-only script (ledger-version.lua). A
 * campaign held in the sharded layout has none: its settled answers stay with the ledger.
 */
export class RedisLedgerVersions implements LedgerVersions {
  readonly #keys: ShardedKeys;
  readonly #version: ScriptCall;

  constructor(
    private readonly redis: RedisConnection,
    options: KeyNamespace = {},
  ) {
    this.#keys = new ShardedKeys(options.keyPrefix);
    this.#version = registerScript(redis, LEDGER_VERSION);
  }

  version(campaignId: CampaignId): Promise<LedgerVersion | undefined> {
    const keys = this.#keys;
    return orUnavailable(async () => {
      const reply = await this.#version(
        keys.campaign(campaignId),
        keys.count(campaignId),
        keys.users(campaignId),
        keys.shardCount(campaignId),
      );
      if (!Array.isArray(reply) || reply.length === 0) return undefined;
      const [ready, run, total, startsAt, endsAt, count, winners] = reply as unknown[];
      return {
        ready: ready === 1,
        run: String(run),
        totalQuantity: Number(total),
        startsAt: bound(startsAt),
        endsAt: bound(endsAt),
        count: Number(count),
        winners: Number(winners),
      };
    });
  }

  instants(campaignId: CampaignId): Promise<ReadonlyMap<UserId, number>> {
    return orUnavailable(async () => {
      const all = await this.redis.hgetall(this.#keys.issuedAt(campaignId));
      return new Map(Object.entries(all).map(([user, at]) => [user as UserId, Number(at)]));
    });
  }
}

function bound(value: unknown): number | undefined {
  return value === '' || value === null || value === undefined ? undefined : Number(value);
}
