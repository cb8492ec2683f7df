import type { IssuanceOutbox, OutboxEntry } from '../../application/ports/issuance-outbox.port.ts';
import type { InMemoryLedgerStore } from './in-memory-ledger-store.ts';

/** Entries taken but not acknowledged for this long are handed out again (their relay died). */
const CLAIM_AFTER_MS = 30_000;

export class InMemoryIssuanceOutbox implements IssuanceOutbox {
  constructor(
    private readonly store: InMemoryLedgerStore,
    private readonly claimAfterMs = CLAIM_AFTER_MS,
  ) {}

  async take(max: number, waitMs: number): Promise<OutboxEntry[]> {
    let taken = this.takeNow(max);
    if (taken.length === 0 && waitMs > 0) {
      await new Promise((resolve) => setTimeout(resolve, Math.min(waitMs, 50)));
      taken = this.takeNow(max);
    }
    return taken;
  }

  async acknowledge(entries: readonly OutboxEntry[]): Promise<void> {
    for (const entry of entries) this.store.outbox.delete(entry.id);
  }

  async depth(): Promise<number> {
    return this.store.outbox.size;
  }

  private takeNow(max: number): OutboxEntry[] {
    const now = Date.now();
    const taken: OutboxEntry[] = [];
    for (const entry of this.store.outbox.values()) {
      if (taken.length >= max) break;
      if (entry.takenAt !== undefined && now - entry.takenAt < this.claimAfterMs) continue;
      entry.takenAt = now;
      taken.push({ id: entry.id, coupon: entry.coupon });
    }
    return taken;
  }
}
