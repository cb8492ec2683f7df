import { raw } from '@mikro-orm/core';
import type { MikroORM, SqlEntityManager } from '@mikro-orm/mysql';
import type {
  FailedIssuance,
  FailedIssuanceRepository,
  NewFailedIssuance,
} from '../../application/ports/failed-issuance-repository.port.ts';
import { FailedIssuanceSchema, type FailedIssuanceRecord } from './entity-schemas.ts';
import { withStoreErrors } from './map-store-error.ts';
import { failedIssuanceFromRecord } from './row-mapping.ts';

/**
 * One INSERT carries at most this many rows or (roughly) bytes. Payloads can be large (a whole
 * Kafka message), and one statement must stay well under max_allowed_packet (16 MiB by default).
 */
const MAX_ROWS_PER_INSERT = 500;
const MAX_BYTES_PER_INSERT = 4 * 1024 * 1024;

type NewRecord = Omit<FailedIssuanceRecord, 'id'>;

function chunkBySize(rows: readonly NewRecord[]): NewRecord[][] {
  const chunks: NewRecord[][] = [];
  let current: NewRecord[] = [];
  let bytes = 0;
  for (const row of rows) {
    const size = Buffer.byteLength(row.payload) + Buffer.byteLength(row.error) + 256;
    if (
      current.length > 0 &&
      (current.length >= MAX_ROWS_PER_INSERT || bytes + size > MAX_BYTES_PER_INSERT)
    ) {
      chunks.push(current);
      current = [];
      bytes = 0;
    }
    current.push(row);
    bytes += size;
  }
  if (current.length > 0) chunks.push(current);
  return chunks;
}

/** Ids are BIGINT: anything else cannot name a row (and must not reach the driver as one). */
const isRowId = (id: string) => /^[0-9]{1,20}$/.test(id);

export class MikroOrmFailedIssuanceRepository implements FailedIssuanceRepository {
  constructor(private readonly orm: MikroORM) {}

  async recordAll(failures: readonly NewFailedIssuance[], now: Date): Promise<void> {
    if (failures.length === 0) return;
    const rows: NewRecord[] = failures.map((failure) => ({
      campaignId: failure.campaignId ?? null,
      userId: failure.userId ?? null,
      payload: failure.payload,
      error: failure.error,
      attempts: failure.attempts,
      createdAt: now,
      updatedAt: now,
      resolvedAt: null,
    }));
    const chunks = chunkBySize(rows);
    await withStoreErrors(async () => {
      // One transaction: the caller commits its Kafka offsets only after this returns, so the
      // failures are either all recorded or (on error) all retried with the batch.
      await this.orm.em.fork().transactional(async (tx: SqlEntityManager) => {
        for (const chunk of chunks)
          await tx.insertMany<FailedIssuanceRecord>(FailedIssuanceSchema, chunk);
      });
    });
  }

  async listOpen(limit: number): Promise<FailedIssuance[]> {
    if (limit <= 0) return [];
    return withStoreErrors(async () => {
      // Oldest first = ascending auto-increment id; served by the (resolved_at, id) index.
      const records = await this.orm.em
        .fork()
        .find(FailedIssuanceSchema, { resolvedAt: null }, { orderBy: { id: 'asc' }, limit });
      return records.map(failedIssuanceFromRecord);
    });
  }

  async markResolved(id: string, now: Date): Promise<void> {
    if (!isRowId(id)) return;
    await withStoreErrors(() =>
      this.orm.em
        .fork()
        .nativeUpdate(FailedIssuanceSchema, { id }, { resolvedAt: now, updatedAt: now }),
    );
  }

  async markAttempted(id: string, error: string, now: Date): Promise<void> {
    if (!isRowId(id)) return;
    await withStoreErrors(() =>
      // Incremented by the database, not read-modify-write: two concurrent retry runs each count.
      this.orm.em
        .fork()
        .nativeUpdate(
          FailedIssuanceSchema,
          { id },
          { error, attempts: raw<number, FailedIssuanceRecord>('`attempts` + 1'), updatedAt: now },
        ),
    );
  }

  async countOpen(): Promise<number> {
    return withStoreErrors(() =>
      this.orm.em.fork().count(FailedIssuanceSchema, { resolvedAt: null }),
    );
  }
}
