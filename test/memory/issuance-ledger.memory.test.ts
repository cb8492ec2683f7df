import { InMemoryIssuanceLedger } from '../../src/adapters/memory/in-memory-issuance-ledger.ts';
import { InMemoryIssuanceOutbox } from '../../src/adapters/memory/in-memory-issuance-outbox.ts';
import { InMemoryLedgerRecovery } from '../../src/adapters/memory/in-memory-ledger-recovery.ts';
import { InMemoryLedgerStore } from '../../src/adapters/memory/in-memory-ledger-store.ts';
import { InMemoryLedgerControls } from '../../src/adapters/memory/in-memory-ledger-controls.ts';
import { describeLedgerControlsContract } from '../contract/ledger-controls.contract.ts';
import { describeIssuanceLedgerContract } from '../contract/issuance-ledger.contract.ts';
import { describeLedgerRecoveryContract } from '../contract/ledger-recovery.contract.ts';
import { describeShuffledOpeningContract } from '../contract/shuffled-opening.contract.ts';
import type { LedgerFixture } from '../support/ledger-expectations.ts';

const inMemory = async (): Promise<LedgerFixture> => {
  const store = new InMemoryLedgerStore();
  return {
    ledger: new InMemoryIssuanceLedger(store),
    recovery: new InMemoryLedgerRecovery(store),
    controls: new InMemoryLedgerControls(store),
    outbox: new InMemoryIssuanceOutbox(store),
    close: async () => undefined,
  };
};

describeIssuanceLedgerContract('in memory', inMemory);
describeLedgerRecoveryContract('in memory', inMemory);
describeLedgerControlsContract('in memory', inMemory);
describeShuffledOpeningContract('in memory', inMemory);
