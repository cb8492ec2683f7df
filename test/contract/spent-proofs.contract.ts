import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import type { SpentProofs } from '../../src/application/ports/proof-of-work.port.ts';
import { useFixture } from '../support/contract-fixture.ts';

export interface SpentProofsFixture {
  /** Two views of one store: as two API processes see it (the same object in memory). */
  readonly stores: readonly [SpentProofs, SpentProofs];
  close(): Promise<void>;
}

/** The replay guard of the proof-of-work gate: each solution is accepted once, everywhere. */
export function describeSpentProofsContract(
  name: string,
  make: () => Promise<SpentProofsFixture>,
): void {
  describe(`SpentProofs contract: ${name}`, () => {
    const fixture = useFixture(make, 'suite');
    const now = new Date();
    const until = new Date(now.getTime() + 60_000);

    it('spends an id once; a second spend, from any process, is refused', async () => {
      const [a, b] = fixture().stores;
      const id = randomUUID();
      expect(await a.spend(id, until, now)).toBe(true);
      expect(await a.spend(id, until, now)).toBe(false);
      expect(await b.spend(id, until, now)).toBe(false);
      expect(await b.spend(randomUUID(), until, now)).toBe(true);
    });

    it('50 concurrent spends of one id across two processes: exactly one wins', async () => {
      const [a, b] = fixture().stores;
      const id = randomUUID();
      const spends = Array.from({ length: 50 }, (_, i) => (i % 2 ? a : b).spend(id, until, now));
      const won = (await Promise.all(spends)).filter(Boolean);
      expect(won).toHaveLength(1);
    });
  });
}
