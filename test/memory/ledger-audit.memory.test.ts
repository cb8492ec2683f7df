import { InMemoryIssuanceLedger } from '../../src/adapters/memory/in-memory-issuance-ledger.ts';
import { InMemoryIssuanceOutbox } from '../../src/adapters/memory/in-memory-issuance-outbox.ts';
import { InMemoryLedgerAudit } from '../../src/adapters/memory/in-memory-ledger-audit.ts';
import { InMemoryLedgerRecovery } from '../../src/adapters/memory/in-memory-ledger-recovery.ts';
import { InMemoryLedgerStore } from '../../src/adapters/memory/in-memory-ledger-store.ts';
import { describeLedgerAuditContract } from '../contract/ledger-audit.contract.ts';

describeLedgerAuditContract('in memory', async () => {
  const store = new InMemoryLedgerStore();
  return {
    ledger: new InMemoryIssuanceLedger(store),
    recovery: new InMemoryLedgerRecovery(store),
    outbox: new InMemoryIssuanceOutbox(store),
    audit: new InMemoryLedgerAudit(store),
    close: async () => undefined,
  };
});
