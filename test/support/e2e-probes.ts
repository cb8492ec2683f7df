import { Redis } from 'ioredis';
import mysql from 'mysql2/promise';

/** A master named by Sentinels: the probe follows it through a failover. */
export interface SentinelAddress {
  readonly sentinels: { host: string; port: number }[];
  readonly name: string;
}

export interface FailedRow {
  readonly id: number;
  readonly userId: string | null;
  readonly error: string;
  readonly attempts: number;
  readonly resolved: boolean;
}

export interface LedgerState {
  /** `coupon:{id}:count`, null when the key does not exist. */
  readonly count: number | null;
  /** HLEN of `coupon:{id}:users`. */
  readonly users: number;
  /** XLEN of `coupon:{id}:outbox`: granted, not yet published. */
  readonly outbox: number;
}

const key = (campaignId: string, part: string) => `coupon:{${campaignId}}:${part}`;

/**
 * Reads MySQL and Redis directly, never through the service: the e2e tests judge the system by
 * what is actually stored. Each SQL probe opens its own connection, so a probe made after
 * MariaDB restarted never trips over a pooled connection the restart broke.
 */
export class Probes {
  readonly #redis: Redis;

  constructor(
    private readonly databaseUrl: string,
    /** A URL, or options (Sentinels: the probe follows the master through a failover). */
    redis: string | SentinelAddress,
  ) {
    // Few retries: a probe during a Redis outage should fail (and be polled again), not queue.
    const options = { maxRetriesPerRequest: 1, lazyConnect: true };
    this.#redis =
      typeof redis === 'string'
        ? new Redis(redis, options)
        : new Redis({ sentinels: redis.sentinels, name: redis.name, ...options });
    this.#redis.on('error', () => undefined); // expected while a test has Redis down
  }

  private async query<T>(sql: string, params: unknown[]): Promise<T[]> {
    const connection = await mysql.createConnection({
      uri: this.databaseUrl,
      connectTimeout: 2000,
    });
    try {
      const [rows] = await connection.query(sql, params);
      return rows as T[];
    } finally {
      await connection.end().catch(() => undefined);
    }
  }

  /** Every coupon row of the campaign: userId → sequence. */
  async coupons(campaignId: string): Promise<Map<string, number>> {
    const rows = await this.query<{ user_id: string; sequence: number }>(
      'select user_id, sequence from coupon where campaign_id = ?',
      [campaignId],
    );
    return new Map(rows.map((row) => [row.user_id, row.sequence]));
  }

  /** Rows and distinct users: they differ only if the unique key ever failed (G2). */
  async rowCounts(campaignId: string): Promise<{ rows: number; distinctUsers: number }> {
    const [row] = await this.query<{ rows: number; users: number }>(
      'select count(*) as `rows`, count(distinct user_id) as users from coupon where campaign_id = ?',
      [campaignId],
    );
    return { rows: Number(row?.rows ?? 0), distinctUsers: Number(row?.users ?? 0) };
  }

  /** Users whose row is marked revoked, with whether the unit went back to stock. */
  async revokedRows(campaignId: string): Promise<Map<string, boolean>> {
    const rows = await this.query<{ user_id: string; returned: number }>(
      'select user_id, returned from coupon where campaign_id = ? and revoked_at is not null',
      [campaignId],
    );
    return new Map(rows.map((row) => [row.user_id, Boolean(row.returned)]));
  }

  /** The rows of the given users (userId → sequence); users without a row are absent. */
  async rowsFor(campaignId: string, users: readonly string[]): Promise<Map<string, number>> {
    const found = new Map<string, number>();
    for (let i = 0; i < users.length; i += 1000) {
      const rows = await this.query<{ user_id: string; sequence: number }>(
        'select user_id, sequence from coupon where campaign_id = ? and user_id in (?)',
        [campaignId, users.slice(i, i + 1000)],
      );
      for (const row of rows) found.set(row.user_id, row.sequence);
    }
    return found;
  }

  async failures(campaignId: string): Promise<FailedRow[]> {
    const rows = await this.query<{
      id: number;
      user_id: string | null;
      error: string;
      attempts: number;
      resolved_at: Date | null;
    }>(
      'select id, user_id, error, attempts, resolved_at from failed_issuance where campaign_id = ? order by id',
      [campaignId],
    );
    return rows.map((row) => ({
      id: Number(row.id),
      userId: row.user_id,
      error: row.error,
      attempts: row.attempts,
      resolved: row.resolved_at !== null,
    }));
  }

  /** Test hygiene: synthetic poison rows would otherwise keep `retry-failed` failing for everyone. */
  async deleteFailures(campaignIds: readonly string[]): Promise<void> {
    if (campaignIds.length === 0) return;
    await this.query('delete from failed_issuance where campaign_id in (?)', [campaignIds]);
  }

  async ledger(campaignId: string): Promise<LedgerState> {
    await this.connectRedis();
    const [count, users, outbox] = await Promise.all([
      this.#redis.get(key(campaignId, 'count')),
      this.#redis.hlen(key(campaignId, 'users')),
      this.#redis.xlen(key(campaignId, 'outbox')),
    ]);
    return { count: count === null ? null : Number(count), users, outbox };
  }

  /** The ledger's winners: userId → sequence (`coupon:{id}:users`). */
  async grants(campaignId: string): Promise<Map<string, number>> {
    await this.connectRedis();
    const all = await this.#redis.hgetall(key(campaignId, 'users'));
    return new Map(Object.entries(all).map(([user, sequence]) => [user, Number(sequence)]));
  }

  /** Outbox entries a relay took and has not acknowledged yet. */
  async pendingOutbox(campaignId: string): Promise<number> {
    await this.connectRedis();
    const summary = (await this.#redis
      .call('XPENDING', key(campaignId, 'outbox'), 'relay')
      .catch(() => [0])) as [number];
    return Number(summary[0]);
  }

  /**
   * Wipes the e2e's Redis database: every key of every campaign in it is gone, as after a Redis
   * restart without persistence (scenario 6). Other runs, in other databases, keep theirs.
   */
  /**
   * MySQL loses the campaign's rows past `sequence`, as after a failover to a replica that lacked
   * the last commits (or a point-in-time restore). Returns how many rows went.
   */
  async loseRowsAfter(campaignId: string, sequence: number): Promise<number> {
    // A DELETE answers a result header, not rows.
    const header: unknown = await this.query(
      'delete from coupon where campaign_id = ? and sequence > ?',
      [campaignId, sequence],
    );
    return (header as { affectedRows: number }).affectedRows;
  }

  async flushRedis(): Promise<void> {
    await this.connectRedis();
    await this.#redis.flushdb();
  }

  /**
   * Removes the campaigns' keys and registry entries, so the relays of later runs do not poll
   * the streams of long-finished tests forever. MySQL keeps the rows (they are the evidence).
   */
  async forget(campaignIds: readonly string[]): Promise<void> {
    await this.connectRedis();
    for (const id of campaignIds) {
      // Braces escaped: in a MATCH pattern they are literal hash-tag characters.
      const keys: string[] = [];
      const stream = this.#redis.scanStream({ match: `coupon:\\{${id}*`, count: 1000 });
      for await (const batch of stream) keys.push(...(batch as string[]));
      if (keys.length > 0) await this.#redis.del(...keys);
      const members = await this.#redis.smembers('coupon:campaigns');
      const mine = members.filter((m) => m === id || m.startsWith(`${id}#`));
      if (mine.length > 0) await this.#redis.srem('coupon:campaigns', ...mine);
    }
  }

  async close(): Promise<void> {
    this.#redis.disconnect();
  }

  private async connectRedis(): Promise<void> {
    if (this.#redis.status === 'wait') await this.#redis.connect();
  }
}
