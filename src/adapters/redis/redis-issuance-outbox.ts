import type { IssuanceOutbox, OutboxEntry } from '../../application/ports/issuance-outbox.port.ts';
import type { RedisConnection } from './redis-client.ts';
import { orUnavailable } from './redis-errors.ts';
import {
  parseLedgerTag,
  RedisKeys,
  RELAY_GROUP,
  type KeyNamespace,
  type LedgerTag,
} from './redis-keys.ts';
import { parseEntryHandle } from './redis-outbox-stream.ts';
import { OutboxStreams, type OutboxStream } from './outbox-streams.ts';
import { ACKNOWLEDGE, registerScript, type ScriptCall } from './redis-scripts.ts';
import { MIN_QUIET_MS, OutboxActivity, type ActivityListener } from './outbox-activity.ts';

export interface RedisIssuanceOutboxOptions extends KeyNamespace {
  /** This relay's name in the consumer group; unique per running relay (e.g. host + pid). */
  readonly consumerName: string;
  /** Entries another relay took but has not acknowledged for this long are taken over. */
  readonly claimAfterMs?: number;
  /**
   * How often the relay sweeps the streams the index lists (outbox-activity.ts): what finds the
   * grants of other processes and the entries of a relay that died. Its own grants wake it at once.
   */
  readonly sweepIntervalMs?: number;
  /** How often the relay also reads the whole registry, for streams the index lacks. */
  readonly fullSweepIntervalMs?: number;
  /** An empty stream leaves the index once nobody marked it for this long (≥ MIN_QUIET_MS). */
  readonly quietMs?: number;
}

const CLAIM_AFTER_MS = 30_000;
const SWEEP_INTERVAL_MS = 1000;
const FULL_SWEEP_INTERVAL_MS = 600_000;
const QUIET_MS = 60_000;
/** Ids per acknowledge script call (Lua's unpack has a stack limit of a few thousand). */
const ACK_BATCH = 1000;

/**
 * The outbox as Redis Streams: reserve.lua appends each grant to its campaign's stream, and all
 * relays read through one consumer group (`relay`), so each new entry goes to ONE relay.
 *
 * At-least-once: an entry stays in the group's pending list from delivery until `acknowledge`
 * (XACK + XDEL after the event log confirmed). A relay that died holding entries leaves them
 * pending; after `claimAfterMs` of idleness another relay takes them over with XAUTOCLAIM and
 * publishes them again (the consumer is idempotent, so a duplicate is harmless, a loss is not).
 *
 * Streams are per campaign (one slot each in a cluster), or per sub-ledger in sharded-stock mode
 * (each entry still names the campaign). What a relay reads, and what it costs when idle, is set
 * by OutboxActivity: the streams this process just granted on, read at once with no probe; every
 * `sweepIntervalMs`, the streams the index lists (probed: length and pending, then reclaimed or
 * read), never the thousands of finished campaigns; rarely, the whole registry. An idle relay
 * sends one ZRANGE per sweep. Waiting is on the local signal, not on Redis: a blocking
 * XREADGROUP would hold the auto-pipelined connection the API's reserves use, and could only
 * block on one slot anyway.
 */
export class RedisIssuanceOutbox implements IssuanceOutbox {
  readonly #keys: RedisKeys;
  readonly #consumer: string;
  readonly #claimAfterMs: number;
  readonly #sweepIntervalMs: number;
  readonly #fullSweepIntervalMs: number;
  readonly #quietMs: number;
  readonly #acknowledge: ScriptCall;
  readonly #activity: OutboxActivity;
  readonly #streams: OutboxStreams;
  readonly #signals: ActivityListener;
  /** Tags granted on locally whose new entries this relay has not read to the end yet. */
  readonly #due = new Set<LedgerTag>();
  #nextSweepAt = 0;
  #nextFullSweepAt = 0;
  #rotation = 0;

  constructor(
    private readonly redis: RedisConnection,
    options: RedisIssuanceOutboxOptions,
  ) {
    if (options.consumerName.trim().length === 0) throw new Error('consumerName must not be empty');
    this.#keys = new RedisKeys(options.keyPrefix);
    this.#consumer = options.consumerName;
    this.#claimAfterMs = options.claimAfterMs ?? CLAIM_AFTER_MS;
    this.#sweepIntervalMs = options.sweepIntervalMs ?? SWEEP_INTERVAL_MS;
    this.#fullSweepIntervalMs = options.fullSweepIntervalMs ?? FULL_SWEEP_INTERVAL_MS;
    this.#quietMs = options.quietMs ?? QUIET_MS;
    if (this.#quietMs < MIN_QUIET_MS) throw new RangeError(`quietMs must be ≥ ${MIN_QUIET_MS}`);
    this.#acknowledge = registerScript(redis, ACKNOWLEDGE);
    this.#activity = OutboxActivity.of(redis, this.#keys);
    this.#signals = this.#activity.listen();
    this.#streams = new OutboxStreams(
      redis,
      this.#keys,
      this.#consumer,
      this.#claimAfterMs,
      this.#acknowledge,
    );
  }

  async take(max: number, waitMs: number): Promise<OutboxEntry[]> {
    if (max < 1) return [];
    const deadline = Date.now() + Math.max(0, waitMs);
    for (;;) {
      const taken = await orUnavailable(() => this.takeNow(max));
      if (taken.length > 0) return taken;
      const now = Date.now();
      if (now >= deadline) return [];
      await this.#signals.next(Math.min(deadline, this.#nextSweepAt) - now);
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

  /**
   * Entries still in the streams the index lists: acknowledged ones are deleted, and a stream
   * outside the index is empty, so these are the unpublished. Costs one read per listed stream.
   */
  async depth(): Promise<number> {
    return orUnavailable(async () => {
      if (this.#nextFullSweepAt === 0) await this.fullSweep();
      const active = await this.#activity.active();
      const lengths = await Promise.all(
        active.streams.map(({ tag }) => this.redis.xlen(this.#keys.outbox(tag))),
      );
      return lengths.reduce((sum, length) => sum + length, 0);
    });
  }

  /** Stops listening for this process's grants (the relay is done). */
  close(): void {
    this.#signals.close();
  }

  private async takeNow(max: number): Promise<OutboxEntry[]> {
    const taken: OutboxEntry[] = [];
    // This process's own grants: their streams hold new entries, read them with no probe.
    for (const tag of this.#signals.drain()) this.#due.add(tag);
    for (const tag of this.#due) {
      if (taken.length >= max) break;
      const stream = streamOf(tag);
      const want = max - taken.length;
      const read = stream ? await this.#streams.readNew(stream, want) : [];
      taken.push(...read);
      if (read.length < want) this.#due.delete(tag); // read to the end
    }
    if (taken.length < max && Date.now() >= this.#nextSweepAt) {
      taken.push(...(await this.sweep(max - taken.length)));
    }
    return taken;
  }

  /**
   * The streams the index lists: reclaimed entries first (the oldest: a dead relay must not delay
   * them more), then new ones, starting at another stream each sweep so that one busy campaign
   * cannot starve the others. An empty stream whose mark is old leaves the index.
   */
  private async sweep(max: number): Promise<OutboxEntry[]> {
    const now = Date.now();
    this.#nextSweepAt = now + this.#sweepIntervalMs;
    if (now >= this.#nextFullSweepAt) await this.fullSweep();
    const active = await this.#activity.active();
    const states = await Promise.all(
      active.streams.flatMap(({ tag, markedAt }) => {
        const stream = streamOf(tag);
        return stream ? [this.#streams.probe(stream, markedAt)] : [];
      }),
    );
    const taken: OutboxEntry[] = [];
    for (const state of states) {
      if (state.length === 0) {
        // Judged by the server's clock, as the marks are written (the script checks it again).
        if (active.now - state.markedAt >= this.#quietMs) {
          await this.#activity.forget(state.tag, state.markedAt, this.#quietMs);
        }
      } else if (taken.length < max && state.pending > 0) {
        taken.push(...(await this.#streams.reclaim(state, max - taken.length)));
      }
    }
    const start = states.length > 0 ? this.#rotation % states.length : 0;
    this.#rotation += 1;
    for (let i = 0; i < states.length; i++) {
      const state = states[(start + i) % states.length];
      if (!state || state.undelivered === 0) continue;
      // A stream this take has no room left for is read first by the next one, not a sweep later.
      if (taken.length < max)
        taken.push(...(await this.#streams.readNew(state, max - taken.length)));
      if (taken.length >= max) this.#due.add(state.tag);
    }
    return taken;
  }

  /**
   * Every registered stream's length, to put back into the index any non-empty stream it lacks
   * (one from before the index, or whose mark a crash lost). At a relay's first take, then every
   * `fullSweepIntervalMs`: one XLEN per campaign per ten minutes by default.
   */
  private async fullSweep(): Promise<void> {
    this.#nextFullSweepAt = Date.now() + this.#fullSweepIntervalMs;
    const members = await this.redis.smembers(this.#keys.campaigns);
    const streams = members.flatMap((member) => parseLedgerTag(member) ?? []);
    const lengths = await Promise.all(
      streams.map(({ tag }) => this.redis.xlen(this.#keys.outbox(tag))),
    );
    await this.#activity.mark(streams.filter((_, i) => (lengths[i] ?? 0) > 0).map((s) => s.tag));
  }
}

/** The stream of a registry or index member, with the campaign its entries belong to. */
function streamOf(tag: string): OutboxStream | undefined {
  return parseLedgerTag(tag);
}
