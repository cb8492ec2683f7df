import type { OutboxEntry } from '../../application/ports/issuance-outbox.port.ts';
import type { CampaignId } from '../../domain/ids.ts';
import type { RedisConnection } from './redis-client.ts';
import { isReplyError } from './redis-errors.ts';
import { RELAY_GROUP, type LedgerTag, type RedisKeys } from './redis-keys.ts';
import {
  couponFromFields,
  traceFromFields,
  ensureRelayGroup,
  entryHandle,
  parseStreamEntries,
  type RawStreamEntry,
} from './redis-outbox-stream.ts';
import type { ScriptCall } from './redis-scripts.ts';

/**
 * One outbox stream: a campaign's, or one sub-ledger's of a campaign in sharded-stock mode. Its
 * entries carry the campaign's id (the parent's, for a sub-ledger), which is what they are
 * checked against.
 */
export interface OutboxStream {
  readonly tag: LedgerTag;
  readonly campaignId: CampaignId;
}

export interface StreamState extends OutboxStream {
  /** Entries in the stream: acknowledged ones are deleted, so pending + undelivered. */
  readonly length: number;
  /** Entries delivered to some relay and not yet acknowledged. */
  readonly pending: number;
  /** Entries no relay has been given yet. */
  readonly undelivered: number;
  /** The tag's mark in the index (epoch ms). */
  readonly markedAt: number;
}

/**
 * What one relay does to one outbox stream through the `relay` consumer group: learn how much
 * work it holds, take over the entries a dead relay left pending, read new ones, and set aside
 * entries that are not coupons. RedisIssuanceOutbox decides which streams to ask.
 */
export class OutboxStreams {
  constructor(
    private readonly redis: RedisConnection,
    private readonly keys: RedisKeys,
    private readonly consumer: string,
    private readonly claimAfterMs: number,
    private readonly acknowledge: ScriptCall,
  ) {}

  /**
   * How much work a stream holds. `acknowledge` deletes what it acks in the same step, so the
   * stream holds exactly the pending entries plus the undelivered ones.
   */
  async probe(source: OutboxStream, markedAt: number): Promise<StreamState> {
    const stream = this.keys.outbox(source.tag);
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
    return { ...source, length, pending, undelivered: Math.max(0, length - pending), markedAt };
  }

  /** Takes over entries pending longer than claimAfterMs with anyone (their relay died). */
  async reclaim(source: OutboxStream, count: number): Promise<OutboxEntry[]> {
    const reply = await this.redis.call(
      'XAUTOCLAIM',
      this.keys.outbox(source.tag),
      RELAY_GROUP,
      this.consumer,
      this.claimAfterMs,
      '0-0',
      'COUNT',
      count,
    );
    if (!Array.isArray(reply) || reply.length < 2) throw new Error('malformed XAUTOCLAIM reply');
    return this.toEntries(source, parseStreamEntries((reply as unknown[])[1]));
  }

  /** New entries of one stream: the group hands each to exactly one relay. */
  async readNew(source: OutboxStream, count: number): Promise<OutboxEntry[]> {
    const stream = this.keys.outbox(source.tag);
    let reply: unknown;
    try {
      reply = await this.redis.call(
        'XREADGROUP',
        'GROUP',
        RELAY_GROUP,
        this.consumer,
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
  async toEntries(
    { tag, campaignId }: OutboxStream,
    raw: readonly RawStreamEntry[],
  ): Promise<OutboxEntry[]> {
    const entries: OutboxEntry[] = [];
    const rejected: string[] = [];
    for (const { id, fields } of raw) {
      const coupon = couponFromFields(campaignId, fields);
      if (typeof coupon !== 'string') {
        const trace = traceFromFields(fields);
        entries.push({ id: entryHandle(tag, id), coupon, ...(trace ? { trace } : {}) });
        continue;
      }
      await this.redis.xadd(
        this.keys.deadLetters(tag),
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
      await this.acknowledge(this.keys.outbox(tag), RELAY_GROUP, ...rejected);
    }
    return entries;
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
