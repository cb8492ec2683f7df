import { randomUUID } from 'node:crypto';
import type { Campaign } from '../../../domain/campaign.ts';
import type { Coupon } from '../../../domain/coupon.ts';
import type { UserId } from '../../../domain/ids.ts';
import type { RedisConnection } from '../redis-client.ts';
import type { RestoreExtras } from '../../../application/ports/ledger-recovery.port.ts';
import { hsetInBatches, stageExtras, stageWinners } from '../hash-batches.ts';
import { encodeRevocation } from '../ledger-codec.ts';
import type { LedgerLayouts } from '../ledger-layouts.ts';
import type { LayoutCache } from './layout-cache.ts';
import {
  baseQuota,
  layoutOf,
  sequenceSlot,
  shardOf,
  shardsFor,
  type ShardedKeys,
} from './sharded-layout.ts';
import type { SubLedgerCommands } from './sub-ledger-commands.ts';

/**
 * Rebuilds a campaign from the durable record with the CONFIGURED number of sub-ledgers
 * (which is also how a campaign changes its number: rebuild it). Each winner goes to the
 * sub-ledger its user routes to, and counts there as a grant. Each sub-ledger's next sequence
 * lies above every restored sequence of its sequence space, so none is handed out again. A
 * hole in the record (a sequence missing below the highest of its sub-ledger's space, judged
 * in the layout that handed it out) counts as granted, as the unsharded ledger counts up to
 * the highest sequence: a grant whose event was lost with Redis is never given to a second
 * user. The rest of the total is split evenly. Journals are emptied and a new epoch voids any
 * transfer in flight.
 *
 * Each sub-ledger is swapped atomically, the campaign as a whole is not: run it while the
 * campaign is not issuing (after Redis lost it, it answers LEDGER_NOT_READY anyway; after a
 * partial loss of a cluster, the surviving sub-ledgers still issue, and grants they make
 * between reading the record and this swap would be forgotten: stop the API first).
 * Idempotent. Does NOT append to the outbox. Sub-ledgers of an older layout are deleted, their
 * outbox streams are not (the relay still drains them).
 */
export class ShardedRestore {
  constructor(
    private readonly redis: RedisConnection,
    private readonly keys: ShardedKeys,
    private readonly layouts: LedgerLayouts,
    private readonly commands: SubLedgerCommands,
    private readonly cache: LayoutCache,
  ) {}

  /** Rebuilds the campaign in `wanted` sub-ledgers (fewer for a small total, see shardsFor). */
  async restore(
    campaign: Campaign,
    coupons: readonly Coupon[],
    wanted: number,
    extras: RestoreExtras = {},
  ): Promise<void> {
    const shards = shardsFor(wanted, campaign.totalQuantity);
    const layout = layoutOf(campaign.id, shards);
    const winners = layout.tags.map(() => new Map<UserId, number>());
    const instants = layout.tags.map((): (string | number)[] => []);
    for (const coupon of coupons) {
      const shard = shardOf(coupon.userId, shards);
      winners[shard]?.set(coupon.userId, coupon.sequence);
      instants[shard]?.push(coupon.userId, coupon.issuedAt.getTime());
    }
    // Revocations and the allowlist go to the sub-ledger each user routes to, as winners do.
    const revocations = layout.tags.map(() => new Map<UserId, string>());
    const returned = layout.tags.map(() => 0);
    for (const [userId, revocation] of extras.revocations ?? []) {
      const shard = shardOf(userId, shards);
      revocations[shard]?.set(userId, encodeRevocation(revocation));
      if (revocation.returned) returned[shard] = (returned[shard] ?? 0) + 1;
    }
    const allowlists = extras.allowlist
      ? Map.groupBy(extras.allowlist, (userId) => shardOf(userId, shards))
      : undefined;
    const sequences = winners.flatMap((map) => [...map.values()]);
    // The highest local index restored in each sub-ledger's sequence space: grants go above.
    const highest = highestLocals(sequences, shards);
    const epoch = randomUUID();
    // A plain ledger of the campaign stops deciding before anything is read (the caller merged
    // its winners in): one live ledger per campaign.
    await this.layouts.fence(campaign.id);
    const previous = (await this.layouts.storedShards(campaign.id))?.shards;
    // Holes, judged in the layout that handed the sequences out (the previous one when known):
    // grants whose events were lost together with the ledger. They still count as granted.
    const produced = highestLocals(sequences, previous ?? shards);
    const holes = Math.max(0, sum(produced) - sequences.length);
    const counts = winners.map((map, shard) => map.size + baseQuota(holes, shards, shard));
    const remaining = campaign.totalQuantity - sum(counts);
    const staging = await Promise.all(
      layout.tags.map((tag, shard) =>
        stageWinners(this.redis, this.keys, tag, winners[shard] ?? new Map<UserId, number>()),
      ),
    );
    const staged = await Promise.all(
      layout.tags.map((tag, shard) =>
        stageExtras(
          this.redis,
          this.keys,
          tag,
          revocations[shard] ?? new Map<UserId, string>(),
          allowlists ? (allowlists.get(shard) ?? []) : undefined,
        ),
      ),
    );
    await Promise.all(
      layout.tags.map((tag, shard) =>
        hsetInBatches(this.redis, this.keys.issuedAt(tag), instants[shard] ?? []),
      ),
    );
    await this.commands.registerWithRelay(layout);
    await Promise.all(
      layout.tags.map((_, shard) => {
        const count = counts[shard] ?? 0;
        // Σ quota = total exactly; an over-full record leaves a debt on sub-ledger 0 instead.
        const share =
          remaining >= 0 ? baseQuota(remaining, shards, shard) : shard === 0 ? remaining : 0;
        const base = baseQuota(campaign.totalQuantity, shards, shard);
        return this.commands.restore(layout, shard, {
          campaign,
          base,
          net: count + share - base,
          epoch,
          count,
          seqBase: (highest[shard] ?? 0) - count,
          staging: staging[shard] ?? '',
          winners: winners[shard]?.size ?? 0,
          extras: {
            revoked: staged[shard]?.revoked ?? '',
            revocations: revocations[shard]?.size ?? 0,
            returned: returned[shard] ?? 0,
            allowlist: staged[shard]?.allowlist ?? '',
            allowlistSize: staged[shard]?.allowlistSize ?? -1,
          },
        });
      }),
    );
    // The switch, in one step on the campaign's slot: the layout marker in, the plain ledger's
    // keys out, so a plain-mode process finds no rules and answers LEDGER_NOT_READY.
    await this.redis
      .multi()
      .set(this.keys.shardCount(campaign.id), shards)
      .del(
        this.keys.campaign(campaign.id),
        this.keys.users(campaign.id),
        this.keys.count(campaign.id),
      )
      .exec();
    this.cache.remember(layout);
    if (previous !== undefined && previous !== shards) {
      const current = new Set<string>(layout.tags);
      await this.layouts.dropSubLedgers(
        layoutOf(campaign.id, previous).tags.filter((tag) => !current.has(tag)),
      );
    }
  }
}

/** Per sequence space of an N-way layout, the highest local index among `sequences`. */
function highestLocals(sequences: readonly number[], shards: number): number[] {
  const locals = Array.from({ length: shards }, () => 0);
  for (const sequence of sequences) {
    const { shard, local } = sequenceSlot(sequence, shards);
    locals[shard] = Math.max(locals[shard] ?? 0, local);
  }
  return locals;
}

const sum = (values: readonly number[]) => values.reduce((total, value) => total + value, 0);
