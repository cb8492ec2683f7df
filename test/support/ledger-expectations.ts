import { expect } from 'vitest';
import type {
  IssuanceLedger,
  Reservation,
} from '../../src/application/ports/issuance-ledger.port.ts';
import type { IssuanceOutbox } from '../../src/application/ports/issuance-outbox.port.ts';
import type { LedgerControls } from '../../src/application/ports/ledger-controls.port.ts';
import type { LedgerRecovery } from '../../src/application/ports/ledger-recovery.port.ts';

/** A ledger, its recovery, its controls and its outbox over one store (Redis namespace, memory store). */
export interface LedgerFixture {
  readonly ledger: IssuanceLedger;
  readonly recovery: LedgerRecovery;
  readonly controls: LedgerControls;
  /** The outbox the ledger appends to; the fixture's own, so it holds only this test's grants. */
  readonly outbox: IssuanceOutbox;
  close(): Promise<void>;
}

/** What an adapter promises beyond the common contracts of the ledger and its recovery. */
export interface IssuanceLedgerCapabilities {
  /**
   * Sequences are 1..N in grant order, without gaps (default). A ledger that splits a campaign's
   * stock across sub-ledgers (sharded-stock mode) only promises sequences that are unique
   * positive integers, none reused after a restore; every assertion on exactness (how many are
   * granted, sold-out exactly at the cap) and on one coupon per user is kept in full.
   */
  readonly denseSequences?: boolean;
  /**
   * A shuffled opening is drawn whole, before any later application (default): one ledger per
   * campaign. Sub-ledgers draw each their own users against their own share of the stock, so a
   * collected applicant their share left out competes for the others' spare with the
   * applications that come after the opening; the cap, one answer each and the random order
   * within each sub-ledger are asserted in full either way.
   */
  readonly wholeOpeningDraw?: boolean;
}

export const NOW = new Date(Date.UTC(2026, 10, 25, 12, 0, 0));
export const at = (offsetMs: number) => new Date(NOW.getTime() + offsetMs);
export const HOUR = 3_600_000;
export const oneTo = (n: number) => Array.from({ length: n }, (_, i) => i + 1);

export const sequencesOf = (reservations: readonly Reservation[]) =>
  reservations
    .flatMap((reservation) => (reservation.kind === 'issued' ? [reservation.coupon.sequence] : []))
    .sort((a, b) => a - b);

/** The assertions on sequences and lookups, as strict as the adapter's capabilities allow. */
export function ledgerExpectations(capabilities: IssuanceLedgerCapabilities) {
  const dense = capabilities.denseSequences ?? true;
  return {
    dense,
    /** The granted sequence: `dense` in a dense ledger, else any positive integer not in `taken`. */
    expectSequence: (
      reservation: Reservation,
      denseSequence: number,
      taken: Iterable<number> = [],
    ): number => {
      const sequence = reservation.kind === 'issued' ? reservation.coupon.sequence : undefined;
      if (dense) {
        expect(sequence).toBe(denseSequence);
      } else {
        expect(reservation.kind).toBe('issued');
        expect(Number.isSafeInteger(sequence) && (sequence ?? 0) >= 1).toBe(true);
        expect([...taken]).not.toContain(sequence);
      }
      return sequence ?? 0;
    },
    /** Sorted sequences of `count` grants: 1..count when dense, else distinct positive integers. */
    expectSequences: (sorted: readonly number[], count: number): void => {
      if (dense) {
        expect(sorted).toEqual(oneTo(count));
      } else {
        expect(sorted).toHaveLength(count);
        expect(new Set(sorted).size).toBe(count);
        expect(sorted.every((sequence) => Number.isSafeInteger(sequence) && sequence >= 1)).toBe(
          true,
        );
      }
    },
    /** A granted lookup, whatever its instant (asserted on its own). */
    granted: (sequence: number) =>
      expect.objectContaining({ kind: 'granted', sequence }) as unknown as {
        kind: 'granted';
        sequence: number;
      },
  };
}
