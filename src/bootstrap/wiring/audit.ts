import { hostname } from 'node:os';
import {
  AuditPersistence,
  type ReemissionCount,
} from '../../application/audit/audit-persistence.ts';
import type { Config } from '../config.ts';
import type { Ports } from './ports.ts';

/**
 * The persistence audit (issue 22) over a process's ports, as the settings configure it; what it
 * re-emits is counted in the campaign's report (`report`: the process's report tally).
 */
export function composeAudit(
  ports: Ports,
  config: Config,
  role: string,
  report: ReemissionCount,
): AuditPersistence {
  return new AuditPersistence(
    ports.campaigns,
    ports.ledgerAudit,
    ports.recordAudit,
    ports.backlog,
    ports.clock,
    ports.logger,
    {
      graceMs: config.AUDIT_GRACE_MS,
      rangeSize: config.AUDIT_RANGE_SIZE,
      maxRangesPerCycle: config.AUDIT_MAX_RANGES,
      maxRepairsPerCycle: config.AUDIT_MAX_REPAIRS,
      settledRecountMs: config.AUDIT_SETTLED_RECOUNT_MS,
      // Long enough to span a cycle's work, short enough that a process that died holding it
      // delays the next audit by a few cycles only.
      leaseMs: 3 * config.AUDIT_INTERVAL_MS,
      holder: `${role}-${hostname()}-${process.pid}`,
    },
    report,
  );
}
