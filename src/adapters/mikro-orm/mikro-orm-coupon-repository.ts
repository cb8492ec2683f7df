import { setTimeout as sleep } from 'node:timers/promises';
import { DeadlockException } from '@mikro-orm/core';
import type { MikroORM, SqlEntityManager } from '@mikro-orm/mysql';
import type { CouponRepository } from '../../application/ports/coupon-repository.port.ts';
import type { Coupon } from '../../domain/coupon.ts';
import type { CampaignId, UserId } from '../../domain/ids.ts';
import { CouponSchema } from './entity-schemas.ts';
import { withStoreErrors } from './map-store-error.ts';
import { SpanKind, type Attributes } from '@opentelemetry/api';
import { COUPON_ATTRIBUTES, ending, tracer } from '../tracing/tracer.ts';
import { couponFromRecord, couponToColumns } from './row-mapping.ts';

/**
 * Rows per INSERT statement. 1000 rows of ~150 bytes stay far below max_allowed_packet and keep
 * each statement's lock set small, while amortising the round trip (the whole point of batching).
 */
export const INSERT_CHUNK_ROWS = 1000;

/** Deadlocks are retried in place a few times before the caller hears StoreUnavailableError. */
const DEADLOCK_ATTEMPTS = 4;

const COLUMNS = '(`campaign_id`, `user_id`, `sequence`, `issued_at`, `revoked_at`, `returned`)';

function insertSql(rows: number): string {
  // `ON DUPLICATE KEY UPDATE` leaves an existing (campaign_id, user_id) as it is, which is what
  // makes redelivery harmless. It would leave a clash on (campaign_id, sequence) alone too:
  // saveAll checks afterwards that every user of the batch has a row (see missingUsers). Not
  // INSERT IGNORE: that would also downgrade FK violations, truncation and bad dates to warnings
  // and silently drop those rows.
  // A coupon carrying a revocation marks the stored row revoked: the same user's row only (a
  // clash on the sequence leaves the holder's row alone, and is caught below), and the first
  // revocation is kept (`returned` is assigned before `revoked_at`, while it reads the old value).
  const values = Array.from({ length: rows }, () => '(?, ?, ?, ?, ?, ?)').join(', ');
  const unrevoked = '`user_id` = values(`user_id`) and `revoked_at` is null';
  return (
    `insert into \`coupon\` ${COLUMNS} values ${values} on duplicate key update ` +
    `\`returned\` = if(${unrevoked}, values(\`returned\`), \`returned\`), ` +
    `\`revoked_at\` = if(${unrevoked}, values(\`revoked_at\`), \`revoked_at\`)`
  );
}

/** The insert's span attributes: the rows, and the coupon's ids when it is one (a row isolated). */
function insertAttributes(coupons: readonly Coupon[]): Attributes {
  const one = coupons.length === 1 ? coupons[0] : undefined;
  return {
    'db.system.name': 'mysql',
    'db.operation.name': 'INSERT',
    'db.collection.name': 'coupon',
    [COUPON_ATTRIBUTES.count]: coupons.length,
    ...(one
      ? { [COUPON_ATTRIBUTES.campaignId]: one.campaignId, [COUPON_ATTRIBUTES.userId]: one.userId }
      : {}),
  };
}

/** A coupon the unique (campaign_id, sequence) key turned away: another user holds its sequence. */
class SequenceConflict extends Error {}

/**
 * Keeps the first coupon of each (campaign, user), exactly as one statement (or the in-memory
 * adapter) would, but a later one that carries a revocation (a grant and its revocation in one
 * batch), then sorts by that key. Sorting is what keeps concurrent overlapping batches
 * from deadlocking each other: every transaction takes its unique-key locks in the same order.
 * (Measured on MariaDB 10.11, 20 concurrent overlapping batches x 20 rounds: unsorted, 193 of
 * 400 statements deadlocked; sorted, none.)
 */
function normalise(coupons: readonly Coupon[]): Coupon[] {
  const byKey = new Map<string, Coupon>();
  for (const coupon of coupons) {
    const key = `${coupon.campaignId}\u0000${coupon.userId}`;
    const kept = byKey.get(key);
    if (!kept || (coupon.revoked && !kept.revoked)) byKey.set(key, coupon);
  }
  // Plain code-unit comparison = the column's binary collation order (ids are ASCII).
  const compare = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);
  return [...byKey.values()].sort(
    (a, b) => compare(a.campaignId, b.campaignId) || compare(a.userId, b.userId),
  );
}

function parameters(chunk: readonly Coupon[]): unknown[] {
  const params: unknown[] = [];
  for (const coupon of chunk) params.push(...couponToColumns(coupon));
  return params;
}

export class MikroOrmCouponRepository implements CouponRepository {
  constructor(private readonly orm: MikroORM) {}

  async saveAll(coupons: readonly Coupon[]): Promise<void> {
    if (coupons.length === 0) return;
    // A CLIENT span under the consumer's batch span (a no-op unless tracing is on).
    return tracer.startActiveSpan(
      'INSERT coupon',
      { kind: SpanKind.CLIENT, attributes: insertAttributes(coupons) },
      (span) => ending(span, () => this.insert(coupons)),
    );
  }

  private async insert(coupons: readonly Coupon[]): Promise<void> {
    const rows = normalise(coupons);
    // Build every statement before touching the database, so a value that cannot be encoded
    // (an invalid Date) fails as a poison record without holding a connection.
    const statements: { sql: string; params: unknown[] }[] = [];
    for (let start = 0; start < rows.length; start += INSERT_CHUNK_ROWS) {
      const chunk = rows.slice(start, start + INSERT_CHUNK_ROWS);
      statements.push({ sql: insertSql(chunk.length), params: parameters(chunk) });
    }
    await withStoreErrors(() => this.retryDeadlocks(() => this.write(statements)));
    // The last line of defence against a ledger that went back in time (G1, G2): a coupon whose
    // sequence another user already holds was a silent no-op above. Never merge it silently: the
    // batch fails as poison, the consumer isolates the row and parks it in failed_issuance.
    const missing = await withStoreErrors(() => this.missingUsers(rows));
    if (missing.length > 0) throw new SequenceConflict(await this.describeConflict(missing));
  }

  /** Coupons of `rows` whose (campaign, user) has no row: one indexed query per chunk. */
  private async missingUsers(rows: readonly Coupon[]): Promise<Coupon[]> {
    const missing: Coupon[] = [];
    const em = this.orm.em.fork();
    for (let start = 0; start < rows.length; start += INSERT_CHUNK_ROWS) {
      const chunk = rows.slice(start, start + INSERT_CHUNK_ROWS);
      const byCampaign = Map.groupBy(chunk, (coupon) => coupon.campaignId);
      for (const [campaignId, coupons] of byCampaign) {
        const found = await em.execute<{ user_id: string }[]>(
          `select \`user_id\` from \`coupon\` where \`campaign_id\` = ? and \`user_id\` in (${coupons.map(() => '?').join(', ')})`,
          [campaignId, ...coupons.map((coupon) => coupon.userId)],
          'all',
        );
        const present = new Set(found.map((row) => row.user_id));
        missing.push(...coupons.filter((coupon) => !present.has(coupon.userId)));
      }
    }
    return missing;
  }

  /** The reason stored in failed_issuance: which user holds the sequence of the first one. */
  private async describeConflict(missing: readonly Coupon[]): Promise<string> {
    const [first] = missing;
    if (!first) return 'SEQUENCE_CONFLICT';
    const holder = await withStoreErrors(() =>
      this.orm.em
        .fork()
        .findOne(CouponSchema, { campaignId: first.campaignId, sequence: first.sequence }),
    );
    const others = missing.length > 1 ? ` (and ${missing.length - 1} more in this batch)` : '';
    return (
      `SEQUENCE_CONFLICT: campaign ${first.campaignId}: sequence ${first.sequence} is already held ` +
      `by user ${holder?.userId ?? 'another user'}, not ${first.userId}${others}: the ledger ` +
      'handed it out twice (it went back in time); reconcile it'
    );
  }

  private async write(statements: readonly { sql: string; params: unknown[] }[]): Promise<void> {
    const em = this.orm.em.fork();
    const [only] = statements;
    if (statements.length === 1 && only) {
      // One statement is atomic on its own: skip BEGIN/COMMIT, two round trips saved per batch.
      await em.execute(only.sql, only.params, 'run');
      return;
    }
    // Several chunks: one transaction, so the batch is all-or-nothing for the caller.
    await em.transactional(async (tx: SqlEntityManager) => {
      for (const statement of statements) await tx.execute(statement.sql, statement.params, 'run');
    });
  }

  /**
   * InnoDB resolves a deadlock by rolling one transaction back whole, so repeating the same
   * idempotent write is safe; it usually wins on the next try. Jitter de-synchronises the losers.
   */
  private async retryDeadlocks<T>(operation: () => Promise<T>): Promise<T> {
    for (let attempt = 1; ; attempt += 1) {
      try {
        return await operation();
      } catch (error) {
        if (!(error instanceof DeadlockException) || attempt >= DEADLOCK_ATTEMPTS) throw error;
        await sleep(attempt * 5 + Math.random() * 20);
      }
    }
  }

  async find(campaignId: CampaignId, userId: UserId): Promise<Coupon | undefined> {
    return withStoreErrors(async () => {
      const record = await this.orm.em.fork().findOne(CouponSchema, { campaignId, userId });
      return record ? couponFromRecord(record) : undefined;
    });
  }

  async countByCampaign(campaignId: CampaignId): Promise<number> {
    return withStoreErrors(() => this.orm.em.fork().count(CouponSchema, { campaignId }));
  }

  async countByCampaigns(
    campaignIds: readonly CampaignId[],
  ): Promise<ReadonlyMap<CampaignId, number>> {
    if (campaignIds.length === 0) return new Map();
    return withStoreErrors(async () => {
      const rows = await this.orm.em
        .fork()
        .execute<{ campaign_id: string; coupons: number | string }[]>(
          `select campaign_id, count(*) as coupons from coupon where campaign_id in (${campaignIds.map(() => '?').join(',')}) group by campaign_id`,
          [...campaignIds],
          'all',
        );
      return new Map(rows.map((row) => [row.campaign_id as CampaignId, Number(row.coupons)]));
    });
  }

  async listByCampaign(
    campaignId: CampaignId,
    afterSequence: number,
    limit: number,
  ): Promise<Coupon[]> {
    if (limit <= 0) return [];
    return withStoreErrors(async () => {
      // Keyset paging on (campaign_id, sequence): stable, and an index range scan however deep the page.
      const records = await this.orm.em
        .fork()
        .find(
          CouponSchema,
          { campaignId, sequence: { $gt: afterSequence } },
          { orderBy: { sequence: 'asc' }, limit },
        );
      return records.map(couponFromRecord);
    });
  }
}
