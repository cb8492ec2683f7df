import type {
  FailedIssuance,
  FailedIssuanceRepository,
  NewFailedIssuance,
} from '../../application/ports/failed-issuance-repository.port.ts';

export class InMemoryFailedIssuanceRepository implements FailedIssuanceRepository {
  readonly #rows = new Map<string, FailedIssuance>();
  #nextId = 0;

  async recordAll(failures: readonly NewFailedIssuance[], now: Date): Promise<void> {
    for (const failure of failures) {
      const id = String(++this.#nextId);
      this.#rows.set(id, { ...failure, id, createdAt: now, updatedAt: now, resolvedAt: undefined });
    }
  }

  async listOpen(limit: number): Promise<FailedIssuance[]> {
    return [...this.#rows.values()].filter((row) => !row.resolvedAt).slice(0, limit);
  }

  async markResolved(id: string, now: Date): Promise<void> {
    const row = this.#rows.get(id);
    if (row) this.#rows.set(id, { ...row, resolvedAt: now, updatedAt: now });
  }

  async markAttempted(id: string, error: string, now: Date): Promise<void> {
    const row = this.#rows.get(id);
    if (row) this.#rows.set(id, { ...row, error, attempts: row.attempts + 1, updatedAt: now });
  }

  async countOpen(): Promise<number> {
    return [...this.#rows.values()].filter((row) => !row.resolvedAt).length;
  }
}
