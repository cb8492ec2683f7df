import { Cluster } from 'ioredis';
import type {
  LedgerRecovery,
  RestoreExtras,
} from '../../application/ports/ledger-recovery.port.ts';
import type { Campaign } from '../../domain/campaign.ts';
import type { Coupon, Revocation } from '../../domain/coupon.ts';
import type { CampaignId, UserId } from '../../domain/ids.ts';
import type { RedisIssuanceLedger } from './redis-issuance-ledger.ts';
import { toCount } from './ledger-codec.ts';
import { LedgerLayouts } from './ledger-layouts.ts';
import type { RedisConnection } from './redis-client.ts';
import { orUnavailable } from './redis-errors.ts';
import type { KeyNamespace } from './redis-keys.ts';
import { ISSUED_COUNTS, registerScript, type ScriptCall } from './redis-scripts.ts';
import { ShardedKeys } from './sharded/sharded-layout.ts';

export interface RedisLedgerRecoveryOptions extends KeyNamespace {
  /**
   * Where a restore lays the campaign out: `held` (the API's reconciliation) keeps the layout
   * that holds it; `configured` (the rebuild-ledger command) lays it out as this process is
   * configured, which is how a campaign changes its LEDGER_SHARDS. A campaign held nowhere is
   * laid out as configured either way.
   */
  readonly restoreIn?: 'held' | 'configured';
  /** Told of every fence and restore, so a process's settled copies drop at once. */
  readonly onChange?: (campaignId: CampaignId) => void;
}

/** Campaigns per issued-counts script call (3 keys each). */
const COUNTS_PER_CALL = 500;

/**
 * Recovery of the Redis ledger, whichever way each campaign is laid out: a fence and the winners
 * cover both layouts (a campaign must have one live ledger, and a reconciliation keeps the
 * winners of both), a restore goes to one layout and removes the other in the same switch.
 */
export class RedisLedgerRecovery implements LedgerRecovery {
  readonly #layouts: LedgerLayouts;
  readonly #issuedCounts: ScriptCall;
  readonly #keys: ShardedKeys;

  constructor(
    private readonly redis: RedisConnection,
    private readonly ledger: RedisIssuanceLedger,
    private readonly options: RedisLedgerRecoveryOptions = {},
  ) {
    this.#keys = new ShardedKeys(options.keyPrefix);
    this.#layouts = new LedgerLayouts(redis, this.#keys);
    this.#issuedCounts = registerScript(redis, ISSUED_COUNTS);
  }

  async fence(campaignId: CampaignId): Promise<void> {
    await orUnavailable(() => this.#layouts.fence(campaignId));
    this.options.onChange?.(campaignId);
  }

  winners(campaignId: CampaignId): Promise<ReadonlyMap<UserId, number>> {
    return orUnavailable(() => this.#layouts.winners(campaignId));
  }

  revocations(campaignId: CampaignId): Promise<ReadonlyMap<UserId, Revocation>> {
    return orUnavailable(() => this.#layouts.revocations(campaignId));
  }

  async restore(
    campaign: Campaign,
    coupons: readonly Coupon[],
    extras: RestoreExtras = {},
  ): Promise<void> {
    const [held, shards] = await orUnavailable(() =>
      Promise.all([this.#layouts.holder(campaign.id), this.#layouts.storedShards(campaign.id)]),
    );
    const keep = this.options.restoreIn !== 'configured' && held !== undefined;
    const layout = keep ? (shards?.shards ?? 1) : 'configured';
    await this.ledger.restoreIn(layout, campaign, coupons, extras);
    this.options.onChange?.(campaign.id);
  }

  claim(campaignId: CampaignId, ttlMs: number): Promise<boolean> {
    return orUnavailable(() => this.#layouts.claim(campaignId, ttlMs));
  }

  release(campaignId: CampaignId): Promise<void> {
    return orUnavailable(() => this.#layouts.release(campaignId));
  }

  /**
   * One script per 500 plain campaigns on a single server; on a cluster (keys on many slots) one
   * read per campaign. A campaign held in sub-ledgers is read through the ledger.
   */
  async issuedCounts(campaignIds: readonly CampaignId[]): Promise<ReadonlyMap<CampaignId, number>> {
    const counts = new Map<CampaignId, number>();
    const elsewhere: CampaignId[] = [];
    if (this.redis instanceof Cluster) elsewhere.push(...campaignIds);
    else {
      for (let i = 0; i < campaignIds.length; i += COUNTS_PER_CALL) {
        const batch = campaignIds.slice(i, i + COUNTS_PER_CALL);
        const keys = batch.flatMap((id) => [
          this.#keys.campaign(id),
          this.#keys.count(id),
          this.#keys.shardCount(id),
        ]);
        const reply = await orUnavailable(() => this.#issuedCounts(keys.length, ...keys));
        if (!Array.isArray(reply) || reply.length !== batch.length) {
          throw new Error(`issued-counts.lua answered ${JSON.stringify(reply)}`);
        }
        batch.forEach((id, j) => {
          const answer: unknown = reply[j];
          if (answer === 'held-elsewhere') elsewhere.push(id);
          else if (answer !== 'none') counts.set(id, toCount(answer));
        });
      }
    }
    for (const id of elsewhere) {
      const tally = await this.ledger.tally(id);
      if (tally !== undefined) counts.set(id, tally.issued);
    }
    return counts;
  }
}
