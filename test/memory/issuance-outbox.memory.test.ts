import { InMemoryIssuanceLedger } from '../../src/adapters/memory/in-memory-issuance-ledger.ts';
import { InMemoryIssuanceOutbox } from '../../src/adapters/memory/in-memory-issuance-outbox.ts';
import { InMemoryLedgerStore } from '../../src/adapters/memory/in-memory-ledger-store.ts';
import { describeIssuanceOutboxContract } from '../contract/issuance-outbox.contract.ts';

describeIssuanceOutboxContract('in memory', async ({ claimAfterMs }) => {
  const store = new InMemoryLedgerStore();
  return {
    ledger: new InMemoryIssuanceLedger(store),
    // The taken/acked state lives in the shared store, so every instance is another relay.
    relay: () => new InMemoryIssuanceOutbox(store, claimAfterMs),
    close: async () => undefined,
  };
});
