import { InMemoryIssuanceLedger } from '../../src/adapters/memory/in-memory-issuance-ledger.ts';
import { InMemoryIssuanceOutbox } from '../../src/adapters/memory/in-memory-issuance-outbox.ts';
import { InMemoryLedgerStore } from '../../src/adapters/memory/in-memory-ledger-store.ts';
import { describeIssuanceLedgerContract } from '../contract/issuance-ledger.contract.ts';

describeIssuanceLedgerContract(
  'in memory',
  async () => {
    const store = new InMemoryLedgerStore();
    return {
      ledger: new InMemoryIssuanceLedger(store),
      outbox: new InMemoryIssuanceOutbox(store),
      close: async () => undefined,
    };
  },
  { grantInstants: true },
);
