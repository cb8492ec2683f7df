import type { IssuanceOutbox, OutboxEntry } from '../../application/ports/issuance-outbox.port.ts';
import type { CampaignId } from '../../domain/ids.ts';
import type { RedisConnection } from './redis-client.ts';
import { isReplyError, orUnavailable } from './redis-errors.ts';
import {
  parseLedgerTag,
  RedisKeys,
  RELAY_GROUP,
  type KeyNamespace,
  type LedgerTag,
} from './redis-keys.ts';
import {
  couponFromFields,
  ensureRelayGroup,
  entryHandle,
  parseEntryHandle,
  parseStreamEntries,
  type RawStreamEntry,
} from './redis-outbox-stream.ts';
import { ACKNOWLEDGE, registerScript, type ScriptCall } from './redis-scripts.ts';

export interface RedisIssuanceOutboxOptions extends KeyNamespace {
  /** This relay's name in the consumer group; unique per running relay (e.g. host + pid). */
  readonly consumerName: string;
  /** Entries another relay took but has not acknowledged for this long are taken over. */
  readonly claimAfterMs?: number;
  /** How often a waiting `take` looks again. */
  readonly pollIntervalMs?: number;
}

const CLAIM_AFTER_MS = 30_000;
const POLL_INTERVAL_MS = 50;
/** The campaign registry changes rarely; reading it on every poll would be wasted round trips. */
const CAMPAIGNS_REFRESH_MS = 1000;
/** Ids per acknowledge script call (Lua's unpack has a stack limit of a few thousand). */
const ACK_BATCH = 1000;

/**
 * One outbox stream: a campaign's, or one sub-ledger's of a campaign in sharded-stock mode. Its
 * entries carry the campaign's id (the parent's, for a sub-ledger), which is what they are
 * checked against.
 */
interface OutboxStream {
  readonly tag: LedgerTag;
  readonly campaignId: CampaignId;
}

interface StreamState extends OutboxStream {
  /** Entries delivered to some relay and not yet acknowledged. */
  readonly pending: number;
  /** Entries no relay has been given yet. */
  readonly undelivered: number;
}

/**
 * The outbox as Redis Streams: reserve.lua appends each grant to its campaign's stream, and all
 * relays read through one consumer group (`relay`), so each new entry goes to ONE relay.
 *
 * At-least-once: an entry stays in the group's pending list from delivery until `acknowledge`
 * (XACK + XDEL after the event log confirmed). A relay that died holding entries leaves them
 * pending; after `claimAfterMs` of idleness another relay takes them over with XAUTOCLAIM and
 * publishes them again (the consumer is idempotent, so a duplicate is harmless, a loss is not).
 *
 * Streams are per campaign (one slot each in a cluster), or per sub-ledger for a campaign in
 * sharded-stock mode (each entry still names the campaign), so `take` reads them one by one. To
 * keep polls cheap with many campaigns it first asks every stream, in one pipelined round, how
 * many entries it holds and how many are pending, and only reads the streams with work.
 * Waiting is a short poll on the shared connection: a blocking XREADGROUP would hold the
 * auto-pipelined connection the API's reserves use, and could only block on one slot anyway.
 */
export class RedisIssuanceOutbox implements IssuanceOutbox {
  readonly #keys: RedisKeys;
  readonly #consumer: string;
  readonly #claimAfterMs: number;
  readonly #pollIntervalMs: number;
  readonly #acknowledge: ScriptCall;
  #campaigns: OutboxStream[] = [];
  #campaignsReadAt = Number.NEGATIVE_INFINITY;
  /** Members of the registry at the last read (unparsable ones included), compared with SCARD. */
  #campaignsRead = -1;
  #rotation = 0;

  constructor(
    private readonly redis: RedisConnection,
    options: RedisIssuanceOutboxOptions,
  ) {
    if (options.consumerName.trim().length === 0) throw new Error('consumerName must not be empty');
    this.#keys = new RedisKeys(options.keyPrefix);
    this.#consumer = options.consumerName;
    this.#claimAfterMs = options.claimAfterMs ?? CLAIM_AFTER_MS;
    this.#pollIntervalMs = options.pollIntervalMs ?? POLL_INTERVAL_MS;
    this.#acknowledge = registerScript(redis, ACKNOWLEDGE);
  }

  async take(max: number, waitMs: number): Promise<OutboxEntry[]> {
    if (max < 1) return [];
    const deadline = Date.now() + Math.max(0, waitMs);
    for (;;) {
      const taken = await orUnavailable(() => this.takeNow(max));
      if (taken.length > 0) return taken;
      const left = deadline - Date.now();
      if (left <= 0) return [];
      await sleep(Math.min(this.#pollIntervalMs, left));
    }
  }

  async acknowledge(entries: readonly OutboxEntry[]): Promise<void> {
    const byStream = new Map<LedgerTag, string[]>();
    for (const entry of entries) {
      // A handle this outbox never produced cannot name one of its entries: nothing to remove.
      const handle = parseEntryHandle(entry.id);
      if (!handle) continue;
      const ids = byStream.get(handle.tag) ?? [];
      ids.push(handle.streamId);
      byStream.set(handle.tag, ids);
    }
    const calls: Promise<unknown>[] = [];
    for (const [tag, ids] of byStream) {
      for (let i = 0; i < ids.length; i += ACK_BATCH) {
        const batch = ids.slice(i, i + ACK_BATCH);
        calls.push(this.#acknowledge(this.#keys.outbox(tag), RELAY_GROUP, ...batch));
      }
    }
    await orUnavailable(() => Promise.all(calls));
  }

  /** Entries still in the streams: acknowledged ones are deleted, so these are the unpublished. */
  async depth(): Promise<number> {
    return orUnavailable(async () => {
      const campaigns = await this.campaigns(true);
      const lengths = await Promise.all(
        campaigns.map(({ tag }) => this.redis.xlen(this.#keys.outbox(tag))),
      );
      return lengths.reduce((sum, length) => sum + length, 0);
    });
  }

  private async takeNow(max: number): Promise<OutboxEntry[]> {
    const campaigns = await this.campaigns(false);
    if (campaigns.length === 0) return [];
    const states = await Promise.all(campaigns.map((stream) => this.probe(stream)));
    const taken: OutboxEntry[] = [];
    // Reclaimed entries first: they are the oldest, and a dead relay must not delay them more.
    for (const state of states) {
      if (taken.length >= max) break;
      if (state.pending > 0) taken.push(...(await this.reclaim(state, max - taken.length)));
    }
    // Then new entries, starting at another stream on each call so that one busy campaign
    // cannot starve the others' relaying.
    const start = this.#rotation;
    this.#rotation = (this.#rotation + 1) % states.length;
    for (let i = 0; i < states.length && taken.length < max; i++) {
      const state = states[(start + i) % states.length];
      if (state && state.undelivered > 0) {
        taken.push(...(await this.readNew(state, max - taken.length)));
      }
    }
    return taken;
  }

  /**
   * How much work a stream holds. `acknowledge` deletes what it acks in the same step, so the
   * stream holds exactly the pending entries plus the undelivered ones.
   */
  private async probe(source: OutboxStream): Promise<StreamState> {
    const stream = this.#keys.outbox(source.tag);
    const [length, pending] = await Promise.all([
      this.redis.xlen(stream),
      this.redis.call('XPENDING', stream, RELAY_GROUP).then(
        (summary) => pendingCount(summary),
        async (error: unknown) => {
          // The stream lost its group (Redis data loss, then a grant recreated it by XADD): put
          // the group back from id 0, so the entries already there are delivered, not skipped.
          if (!isReplyError(error, 'NOGROUP')) throw error;
          await ensureRelayGroup(this.redis, stream);
          return 0;
        },
      ),
    ]);
    return { ...source, pending, undelivered: Math.max(0, length - pending) };
  }

  /** Takes over entries pending longer than claimAfterMs with anyone (their relay died). */
  private async reclaim(source: OutboxStream, count: number): Promise<OutboxEntry[]> {
    const reply = await this.redis.call(
      'XAUTOCLAIM',
      this.#keys.outbox(source.tag),
      RELAY_GROUP,
      this.#consumer,
      this.#claimAfterMs,
      '0-0',
      'COUNT',
      count,
    );
    if (!Array.isArray(reply) || reply.length < 2) throw new Error('malformed XAUTOCLAIM reply');
    return this.toEntries(source, parseStreamEntries((reply as unknown[])[1]));
  }

  /** New entries of one stream: the group hands each to exactly one relay. */
  private async readNew(source: OutboxStream, count: number): Promise<OutboxEntry[]> {
    const stream = this.#keys.outbox(source.tag);
    let reply: unknown;
    try {
      reply = await this.redis.call(
        'XREADGROUP',
        'GROUP',
        RELAY_GROUP,
        this.#consumer,
        'COUNT',
        count,
        'STREAMS',
        stream,
        '>',
      );
    } catch (error) {
      if (!isReplyError(error, 'NOGROUP')) throw error;
      await ensureRelayGroup(this.redis, stream);
      return [];
    }
    if (reply === null) return [];
    // [[streamKey, [[id, fields], …]]]: one stream asked, so one element.
    if (!Array.isArray(reply)) throw new Error('malformed XREADGROUP reply');
    const [streamReply] = reply as unknown[];
    if (!Array.isArray(streamReply)) throw new Error('malformed XREADGROUP reply');
    return this.toEntries(source, parseStreamEntries((streamReply as unknown[])[1]));
  }

  /**
   * Entries whose fields are not a coupon of this campaign (never written by reserve.lua) would
   * block the relay forever if returned, and be lost if dropped. They are moved to the campaign's
   * dead-letter stream (appended first, then acknowledged: a crash in between duplicates, never
   * loses) for a person to look at.
   */
  private async toEntries(
    { tag, campaignId }: OutboxStream,
    raw: readonly RawStreamEntry[],
  ): Promise<OutboxEntry[]> {
    const entries: OutboxEntry[] = [];
    const rejected: string[] = [];
    for (const { id, fields } of raw) {
      const coupon = couponFromFields(campaignId, fields);
      if (typeof coupon !== 'string') {
        entries.push({ id: entryHandle(tag, id), coupon });
        continue;
      }
      await this.redis.xadd(
        this.#keys.deadLetters(tag),
        '*',
        'entryId',
        id,
        'error',
        coupon,
        ...fields,
      );
      rejected.push(id);
    }
    if (rejected.length > 0) {
      await this.#acknowledge(this.#keys.outbox(tag), RELAY_GROUP, ...rejected);
    }
    return entries;
  }

  /**
   * The registry of streams (campaigns, and sub-ledgers of sharded campaigns), re-read once a
   * second, when `fresh` is asked for, or as soon as its size changed. The size check (SCARD,
   * O(1)) matters: with the time rule alone a campaign created after the last read stayed
   * invisible for up to a second, and a relay draining at shutdown in that second found nothing
   * to do and exited with the campaign's grants unpublished. Members are only ever added (or
   * lost with Redis' data), so a changed size is what a change looks like.
   */
  private async campaigns(fresh: boolean): Promise<OutboxStream[]> {
    const now = Date.now();
    if (
      fresh ||
      now - this.#campaignsReadAt >= CAMPAIGNS_REFRESH_MS ||
      (await this.redis.scard(this.#keys.campaigns)) !== this.#campaignsRead
    ) {
      const members = await this.redis.smembers(this.#keys.campaigns);
      this.#campaignsRead = members.length;
      this.#campaigns = members
        .flatMap((member) => parseLedgerTag(member) ?? [])
        .sort((a, b) => (a.tag < b.tag ? -1 : a.tag > b.tag ? 1 : 0));
      this.#campaignsReadAt = now;
    }
    return this.#campaigns;
  }
}

/** XPENDING summary form: [count, smallest id, greatest id, consumers]. */
function pendingCount(summary: unknown): number {
  if (Array.isArray(summary)) {
    const [count] = summary as unknown[];
    if (typeof count === 'number' && Number.isSafeInteger(count) && count >= 0) return count;
  }
  throw new Error('malformed XPENDING reply');
}

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));
