import { ContainerModule } from 'inversify';
import { InMemoryCampaignRepository } from '../../adapters/memory/in-memory-campaign-repository.ts';
import { InMemoryCouponLog } from '../../adapters/memory/in-memory-coupon-log.ts';
import { InMemoryCouponRepository } from '../../adapters/memory/in-memory-coupon-repository.ts';
import { InMemoryFailedIssuanceRepository } from '../../adapters/memory/in-memory-failed-issuance-repository.ts';
import { InMemoryIssuanceLedger } from '../../adapters/memory/in-memory-issuance-ledger.ts';
import { InMemoryIssuanceOutbox } from '../../adapters/memory/in-memory-issuance-outbox.ts';
import { InMemoryLedgerStore } from '../../adapters/memory/in-memory-ledger-store.ts';
import { InMemoryLedgerVersions } from '../../adapters/memory/in-memory-ledger-versions.ts';
import { InMemoryPersistenceMarks } from '../../adapters/memory/in-memory-persistence-marks.ts';
import { ADAPTERS, TOKENS as T } from './tokens.ts';

export const MEMORY = {
  ledgerStore: Symbol.for('coupon.memory.LedgerStore'),
  couponLog: Symbol.for('coupon.memory.CouponLog'),
} as const;

/** Ledger + outbox in memory (they share one store, as Redis holds both). */
export const memoryLedgerModule = () =>
  new ContainerModule(({ bind }) => {
    // One store, like one Redis: the ledger, the outbox, the versions and the marks share it.
    const store = new InMemoryLedgerStore();
    bind(MEMORY.ledgerStore).toConstantValue(store);
    bind(ADAPTERS.ledger).toConstantValue(new InMemoryIssuanceLedger(store));
    bind(T.outbox).toConstantValue(new InMemoryIssuanceOutbox(store));
    bind(T.ledgerVersions).toConstantValue(new InMemoryLedgerVersions(store));
    bind(T.persistenceMarks).toConstantValue(new InMemoryPersistenceMarks(store));
  });

/** The event log in memory: the publisher and the consumer's source are the same object. */
export const memoryLogModule = () =>
  new ContainerModule(({ bind }) => {
    const log = new InMemoryCouponLog();
    bind(MEMORY.couponLog).toConstantValue(log);
    bind(ADAPTERS.publisher).toConstantValue(log);
    bind(T.backlog).toConstantValue(log);
  });

/** Campaigns, coupons and failures in memory. */
export const memoryStoreModule = () =>
  new ContainerModule(({ bind }) => {
    const campaigns = new InMemoryCampaignRepository();
    bind(T.campaigns).toConstantValue(campaigns);
    bind(ADAPTERS.coupons).toConstantValue(new InMemoryCouponRepository(campaigns));
    bind(T.failures).toConstantValue(new InMemoryFailedIssuanceRepository());
  });
