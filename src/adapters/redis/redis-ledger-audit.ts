import type {
  LedgerAudit,
  LedgerAuditSnapshot,
  LedgerChanges,
  LedgerGrant,
} from '../../application/ports/ledger-audit.port.ts';
import type { CampaignId, UserId } from '../../domain/ids.ts';
import { rangeStarts } from '../../domain/sequence-ranges.ts';
import { OutboxActivity, type ActivityListener } from './outbox-activity.ts';
import type { RedisConnection } from './redis-client.ts';
import { orUnavailable } from './redis-errors.ts';
import { parseLedgerTag, RedisKeys, type KeyNamespace } from './redis-keys.ts';
import {
  AUDIT_CHANGES,
  AUDIT_REEMIT,
  AUDIT_SNAPSHOT,
  registerScript,
  type ScriptCall,
} from './redis-scripts.ts';

/** Sequences per re-emit script call: a repair of thousands never blocks Redis for long. */
const REEMIT_BATCH = 500;

/**
 * The plain ledger's side of the persistence audit, over the sequences ZSET that decide.lua
 * writes with each grant (RedisKeys.sequences): a range's count is one ZCOUNT (O(log n)), a
 * range's grants one ZRANGE BYSCORE plus one HMGET of their instants. Ranges are sent pipelined.
 */
export class RedisLedgerAudit implements LedgerAudit {
  readonly #keys: RedisKeys;
  readonly #snapshot: ScriptCall;
  readonly #reemit: ScriptCall;
  readonly #changes: ScriptCall;
  readonly #activity: OutboxActivity;
  /** This process's grants, revocations and re-emits (the relays' local signal), once asked. */
  #local: ActivityListener | undefined;

  constructor(
    private readonly redis: RedisConnection,
    options: KeyNamespace = {},
  ) {
    this.#keys = new RedisKeys(options.keyPrefix);
    this.#snapshot = registerScript(redis, AUDIT_SNAPSHOT);
    this.#reemit = registerScript(redis, AUDIT_REEMIT);
    this.#changes = registerScript(redis, AUDIT_CHANGES);
    this.#activity = OutboxActivity.of(redis, this.#keys);
  }

  async snapshot(campaignId: CampaignId): Promise<LedgerAuditSnapshot> {
    const k = this.#keys;
    const reply = (await orUnavailable(() =>
      this.#snapshot(
        ...[k.campaign(campaignId), k.users(campaignId), k.count(campaignId)],
        ...[k.sequences(campaignId), k.audited(campaignId), k.outbox(campaignId)],
        k.shardCount(campaignId),
      ),
    )) as [string, ...(number | string)[]];
    const [kind, grants, highest, audited, depth, returned] = reply;
    if (kind === 'sharded' || kind === 'unknown' || kind === 'index-incomplete') {
      return { kind: 'unavailable', reason: kind };
    }
    return {
      kind: 'ready',
      grants: Number(grants),
      highest: Number(highest),
      auditedGrants: audited === '' || audited === undefined ? undefined : Number(audited),
      outboxDepth: Number(depth),
      returned: Number(returned ?? 0),
    };
  }

  /**
   * One EVALSHA (the run_id and the outbox index: 3 commands), plus what this process signalled
   * locally since the last call. The listener is made at the first call, before the audit can
   * have found anything settled, so no local change after that is missed. (On a Redis Cluster the
   * run is the one of the node holding the index: a restart of another node is found by the row
   * recount instead.)
   */
  async changes(): Promise<LedgerChanges> {
    const listener = (this.#local ??= this.#activity.listen());
    const [run, ...tags] = (await orUnavailable(() =>
      this.#changes(this.#keys.outboxActive),
    )) as string[];
    // Drained only once the read succeeded: a failed cycle loses no local signal.
    const local = listener.drain();
    const touched = new Set<CampaignId>();
    for (const raw of [...local, ...tags]) {
      const parsed = parseLedgerTag(String(raw));
      if (parsed) touched.add(parsed.campaignId);
    }
    return { run: String(run), touched };
  }

  async countByRange(
    campaignId: CampaignId,
    from: number,
    to: number,
    size: number,
  ): Promise<number[]> {
    const key = this.#keys.sequences(campaignId);
    const starts = rangeStarts(from, to, size);
    return orUnavailable(() =>
      Promise.all(
        starts.map((start) => this.redis.zcount(key, start, Math.min(start + size - 1, to))),
      ),
    );
  }

  async grantsIn(campaignId: CampaignId, from: number, to: number): Promise<LedgerGrant[]> {
    return orUnavailable(async () => {
      const flat = await this.redis.zrangebyscore(
        this.#keys.sequences(campaignId),
        from,
        to,
        'WITHSCORES',
      );
      const users: UserId[] = [];
      const sequences: number[] = [];
      for (let i = 0; i + 1 < flat.length; i += 2) {
        users.push(flat[i] as UserId);
        sequences.push(Number(flat[i + 1]));
      }
      if (users.length === 0) return [];
      const instants = await this.redis.hmget(this.#keys.issuedAt(campaignId), ...users);
      return users.map((userId, i) => ({
        sequence: sequences[i]!,
        userId,
        issuedAt: new Date(Number(instants[i] ?? 0)),
      }));
    });
  }

  async reemit(campaignId: CampaignId, sequences: readonly number[]): Promise<number> {
    if (sequences.length === 0) return 0;
    const k = this.#keys;
    return orUnavailable(async () => {
      // Listed as active BEFORE the entries exist, as a grant is (see OutboxActivity).
      await this.#activity.mark([campaignId]);
      let appended = 0;
      for (let i = 0; i < sequences.length; i += REEMIT_BATCH) {
        appended += Number(
          await this.#reemit(
            ...[k.sequences(campaignId), k.issuedAt(campaignId), k.revoked(campaignId)],
            ...[k.outbox(campaignId), k.users(campaignId), campaignId],
            ...sequences.slice(i, i + REEMIT_BATCH),
          ),
        );
      }
      if (appended > 0) this.#activity.granted(campaignId);
      return appended;
    });
  }

  async claim(campaignId: CampaignId, holder: string, ttlMs: number): Promise<boolean> {
    const key = this.#keys.auditLease(campaignId);
    return orUnavailable(async () => {
      if ((await this.redis.set(key, holder, 'PX', ttlMs, 'NX')) === 'OK') return true;
      // Renewed only by its holder (a read then a write: a lapse in between costs one cycle).
      if ((await this.redis.get(key)) !== holder) return false;
      await this.redis.pexpire(key, ttlMs);
      return true;
    });
  }

  async markAudited(campaignId: CampaignId, grants: number): Promise<void> {
    await orUnavailable(() => this.redis.set(this.#keys.audited(campaignId), grants));
  }
}
