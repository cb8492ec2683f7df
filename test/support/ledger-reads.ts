import type { Reservation } from '../../src/application/ports/issuance-ledger.port.ts';
import type {
  IssuanceOutbox,
  OutboxEntry,
} from '../../src/application/ports/issuance-outbox.port.ts';

/** How many reservations ended in each kind: `{ issued: 100, 'sold-out': 900 }`. */
export const kinds = (reservations: readonly Reservation[]) => {
  const counts: Partial<Record<Reservation['kind'], number>> = {};
  for (const reservation of reservations)
    counts[reservation.kind] = (counts[reservation.kind] ?? 0) + 1;
  return counts;
};

/**
 * Takes from the outbox (acknowledging as it goes, `batch` at a time) until `expected` entries
 * arrived or 10 s passed, then looks once more, so a duplicate sitting behind the expected
 * entries is seen too.
 */
export async function drain(
  outbox: IssuanceOutbox,
  expected: number,
  batch = 500,
): Promise<OutboxEntry[]> {
  const deadline = Date.now() + 10_000;
  const all: OutboxEntry[] = [];
  while (all.length < expected && Date.now() < deadline) {
    const taken = await outbox.take(batch, 100);
    all.push(...taken);
    await outbox.acknowledge(taken);
  }
  const extra = await outbox.take(batch, 100);
  await outbox.acknowledge(extra);
  return [...all, ...extra];
}
