import { InMemoryLedgerAudit } from '../../adapters/memory/in-memory-ledger-audit.ts';
import { InMemoryRecordAudit } from '../../adapters/memory/in-memory-record-audit.ts';
import { ContainerModule } from 'inversify';
import { InMemoryAllowlist } from '../../adapters/memory/in-memory-allowlist.ts';
import { InMemoryCampaignReportStore } from '../../adapters/memory/in-memory-campaign-report-store.ts';
import { InMemoryCampaignRepository } from '../../adapters/memory/in-memory-campaign-repository.ts';
import { InMemoryCouponLog } from '../../adapters/memory/in-memory-coupon-log.ts';
import { InMemoryCouponRepository } from '../../adapters/memory/in-memory-coupon-repository.ts';
import { InMemoryFailedIssuanceRepository } from '../../adapters/memory/in-memory-failed-issuance-repository.ts';
import { InMemoryIssuanceLedger } from '../../adapters/memory/in-memory-issuance-ledger.ts';
import { InMemoryIssuanceOutbox } from '../../adapters/memory/in-memory-issuance-outbox.ts';
import { InMemoryLedgerControls } from '../../adapters/memory/in-memory-ledger-controls.ts';
import { InMemoryLedgerRecovery } from '../../adapters/memory/in-memory-ledger-recovery.ts';
import { InMemoryLedgerStore } from '../../adapters/memory/in-memory-ledger-store.ts';
import { InMemoryPersistenceMarks } from '../../adapters/memory/in-memory-persistence-marks.ts';
import { InMemorySpentProofs } from '../../adapters/memory/in-memory-spent-proofs.ts';
import { PORTS, token } from './ports.ts';

/** The in-memory log, which the embedded consumer reads (the publisher is the same object). */
export const MEMORY_LOG = token<InMemoryCouponLog>('memory.CouponLog');

/** Ledger, recovery, controls, outbox and marks in memory: one store, as one Redis holds them all. */
export const memoryLedger = () =>
  new ContainerModule(({ bind }) => {
    const store = new InMemoryLedgerStore();
    bind(PORTS.ledger).toConstantValue(new InMemoryIssuanceLedger(store));
    bind(PORTS.recovery).toConstantValue(new InMemoryLedgerRecovery(store));
    bind(PORTS.controls).toConstantValue(new InMemoryLedgerControls(store));
    bind(PORTS.outbox).toConstantValue(new InMemoryIssuanceOutbox(store));
    bind(PORTS.marks).toConstantValue(new InMemoryPersistenceMarks(store));
    bind(PORTS.spentProofs).toConstantValue(new InMemorySpentProofs());
    bind(PORTS.ledgerAudit).toConstantValue(new InMemoryLedgerAudit(store));
  });

/** The event log in memory: the publisher, the backlog and the consumer's source at once. */
export const memoryLog = () =>
  new ContainerModule(({ bind }) => {
    const log = new InMemoryCouponLog();
    bind(MEMORY_LOG).toConstantValue(log);
    bind(PORTS.publisher).toConstantValue(log);
    bind(PORTS.backlog).toConstantValue(log);
  });

/** Campaigns (with their audit trail and allowlists), coupons, failures and reports in memory. */
export const memoryStore = () =>
  new ContainerModule(({ bind }) => {
    const campaigns = new InMemoryCampaignRepository();
    bind(PORTS.campaigns).toConstantValue(campaigns);
    bind(PORTS.audit).toConstantValue(campaigns.audit);
    bind(PORTS.allowlist).toConstantValue(new InMemoryAllowlist());
    const coupons = new InMemoryCouponRepository(campaigns);
    bind(PORTS.coupons).toConstantValue(coupons);
    bind(PORTS.recordAudit).toConstantValue(new InMemoryRecordAudit(coupons));
    bind(PORTS.failures).toConstantValue(new InMemoryFailedIssuanceRepository());
    bind(PORTS.reports).toConstantValue(new InMemoryCampaignReportStore());
  });
