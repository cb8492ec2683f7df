import type { RedisConnection } from './redis-client.ts';
import type { LedgerTag, RedisKeys } from './redis-keys.ts';
import {
  ACTIVE_STREAMS,
  FORGET_IF_QUIET,
  MARK_ACTIVE,
  registerScript,
  type ScriptCall,
} from './redis-scripts.ts';

/** A tag is marked at most this often per process: the mark costs one ZADD per interval. */
export const MARK_EVERY_MS = 1000;

/**
 * An empty stream whose last mark is older than this may leave the index. It must exceed
 * MARK_EVERY_MS by more than a reserve can stay in flight (commands time out after 500 ms) plus
 * the clock skew between processes, so that a grant never lands in a stream the index forgot.
 */
export const MIN_QUIET_MS = MARK_EVERY_MS + 1000;

/** One relay's view of the local signals: the tags granted on in this process since it last looked. */
export interface ActivityListener {
  /** Tags signalled since the last call (each once). */
  drain(): LedgerTag[];
  /** Resolves at the next signal, or after `ms`. */
  next(ms: number): Promise<void>;
  close(): void;
}

/**
 * Which outbox streams may hold entries, so that the relays ask Redis about those only, never
 * about every campaign ever created (an idle API once sent ~100 commands per second per campaign,
 * forever: issue 28).
 *
 * - **The index** is one sorted set (`outboxActive`): tag → when a process last marked it. A
 *   ledger marks a tag BEFORE its first reserve of each MARK_EVERY_MS (`beforeGrant`, awaited), so
 *   every grant is preceded by a mark at most MARK_EVERY_MS older than it. The relays' sweep reads
 *   the index, probes those streams, and removes a tag only when its stream is empty and its mark
 *   is older than their quiet time, at least MIN_QUIET_MS (compare-and-delete: a newer mark keeps
 *   it). A stream outside the index
 *   is therefore empty; a campaign that is settled and relayed costs nothing until it grants again.
 * - **The local signal**: a grant wakes this process's relays at once (`granted`), so the relay
 *   that serves a stampede reads the stream it grants on without any probe.
 * - A full sweep of the registry (at a relay's start, then rarely) puts back any non-empty stream
 *   the index lacks: streams from before the index existed, or a mark lost with a crash.
 *
 * One per (connection, namespace) in a process: the ledger and the outbox built over the same
 * connection share it, whoever builds them.
 */
export class OutboxActivity {
  static readonly #shared = new WeakMap<RedisConnection, Map<string, OutboxActivity>>();

  /** The activity of this connection and namespace, made on first use. */
  static of(redis: RedisConnection, keys: RedisKeys): OutboxActivity {
    let byPrefix = OutboxActivity.#shared.get(redis);
    if (!byPrefix)
      OutboxActivity.#shared.set(redis, (byPrefix = new Map<string, OutboxActivity>()));
    let activity = byPrefix.get(keys.prefix);
    if (!activity) byPrefix.set(keys.prefix, (activity = new OutboxActivity(redis, keys)));
    return activity;
  }

  readonly #markedAt = new Map<LedgerTag, number>();
  readonly #marking = new Map<LedgerTag, Promise<void>>();
  readonly #listeners = new Set<{ tags: Set<LedgerTag>; wake: (() => void) | undefined }>();
  readonly #mark: ScriptCall;
  readonly #active: ScriptCall;
  readonly #forgetIfQuiet: ScriptCall;

  private constructor(
    private readonly redis: RedisConnection,
    private readonly keys: RedisKeys,
  ) {
    this.#mark = registerScript(redis, MARK_ACTIVE);
    this.#active = registerScript(redis, ACTIVE_STREAMS);
    this.#forgetIfQuiet = registerScript(redis, FORGET_IF_QUIET);
  }

  /**
   * Marks the tags as active unless this process did so within MARK_EVERY_MS. Await it before
   * the reserve: then a grant never exists in a stream the index does not list. Concurrent
   * callers share the one ZADD in flight.
   */
  beforeGrant(tags: readonly LedgerTag[], now = Date.now()): Promise<void> | undefined {
    const due = tags.filter((tag) => now - (this.#markedAt.get(tag) ?? -Infinity) >= MARK_EVERY_MS);
    if (due.length === 0) return undefined;
    const inFlight = this.#marking.get(due[0]!);
    if (inFlight) return inFlight;
    const marking = this.mark(due, now).finally(() => {
      for (const tag of due) this.#marking.delete(tag);
    });
    for (const tag of due) this.#marking.set(tag, marking);
    return marking;
  }

  /** Puts tags into the index now, marked with the server's clock. */
  async mark(tags: readonly LedgerTag[], now = Date.now()): Promise<void> {
    if (tags.length === 0) return;
    await this.#mark(this.keys.outboxActive, ...tags);
    if (this.#markedAt.size > 10_000) this.#markedAt.clear(); // bounded; a cleared tag marks again
    for (const tag of tags) this.#markedAt.set(tag, now);
  }

  /** A grant landed in the tag's stream: wakes this process's relays. */
  granted(tag: LedgerTag): void {
    for (const listener of this.#listeners) {
      listener.tags.add(tag);
      listener.wake?.();
    }
  }

  listen(): ActivityListener {
    const listener = { tags: new Set<LedgerTag>(), wake: undefined as (() => void) | undefined };
    this.#listeners.add(listener);
    return {
      drain: () => {
        const tags = [...listener.tags];
        listener.tags.clear();
        return tags;
      },
      next: (ms) =>
        listener.tags.size > 0
          ? Promise.resolve()
          : new Promise<void>((resolve) => {
              const timer = setTimeout(done, Math.max(0, ms));
              function done() {
                clearTimeout(timer);
                listener.wake = undefined;
                resolve();
              }
              listener.wake = done;
            }),
      close: () => {
        listener.wake?.();
        this.#listeners.delete(listener);
      },
    };
  }

  /**
   * The index: every tag whose stream may hold entries, with its last mark, and the server's
   * clock to judge the marks' age by (epoch ms).
   */
  async active(): Promise<{ now: number; streams: { tag: LedgerTag; markedAt: number }[] }> {
    const reply = await this.#active(this.keys.outboxActive);
    if (!Array.isArray(reply) || typeof reply[0] !== 'number') {
      throw new Error(`active-streams.lua answered ${JSON.stringify(reply)}`);
    }
    const [now, ...flat] = (reply as unknown[]).map(String);
    const streams: { tag: LedgerTag; markedAt: number }[] = [];
    for (let i = 0; i + 1 < flat.length; i += 2) {
      streams.push({ tag: flat[i] as LedgerTag, markedAt: Number(flat[i + 1]) });
    }
    return { now: Number(now), streams };
  }

  /**
   * Removes a tag whose stream was found empty, if nobody marked it since `markedAt` and that
   * mark is at least `quietMs` old by the server's clock.
   */
  async forget(tag: LedgerTag, markedAt: number, quietMs: number): Promise<void> {
    await this.#forgetIfQuiet(this.keys.outboxActive, tag, markedAt, quietMs);
  }
}
