import { RedisLedgerAudit } from '../../src/adapters/redis/redis-ledger-audit.ts';
import { describeLedgerAuditContract } from '../contract/ledger-audit.contract.ts';
import {
  forgetNamespace,
  ledgerAndRecovery,
  outboxOf,
  REDIS_LAYOUTS,
  testNamespace,
  useRedis,
} from '../support/redis-layouts.ts';

// The audit reads the plain layout (one ledger per campaign), on a single server and a cluster.
for (const layout of REDIS_LAYOUTS.filter((l) => l.name === 'plain' || l.name === 'cluster')) {
  const redis = useRedis(layout.server);
  describeLedgerAuditContract(`Redis (${layout.name})`, async () => {
    const keys = testNamespace();
    const { ledger, recovery } = ledgerAndRecovery(layout, redis(), keys);
    return {
      ledger,
      recovery,
      outbox: outboxOf(redis(), keys, 'audit-test'),
      audit: new RedisLedgerAudit(redis(), { keyPrefix: keys.prefix }),
      close: () => forgetNamespace(redis(), keys),
    };
  });
}
