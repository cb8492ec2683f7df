import { describe, expect, it } from 'vitest';
import { InMemorySpentProofs } from '../../src/adapters/memory/in-memory-spent-proofs.ts';
import { describeSpentProofsContract } from '../contract/spent-proofs.contract.ts';

describeSpentProofsContract('in memory', async () => {
  const store = new InMemorySpentProofs();
  return { stores: [store, store], close: async () => undefined };
});

describe('InMemorySpentProofs', () => {
  it('forgets an id once its challenge expired (bounded memory), refusing it until then', async () => {
    const store = new InMemorySpentProofs();
    const now = new Date(1_000_000);
    const until = new Date(now.getTime() + 5_000);
    expect(await store.spend('s', until, now)).toBe(true);
    expect(await store.spend('s', until, new Date(now.getTime() + 4_999))).toBe(false);
    // Past the expiry the gate refuses the solution as expired before asking; the slot is free.
    expect(await store.spend('s', until, new Date(now.getTime() + 5_000))).toBe(true);
  });
});
