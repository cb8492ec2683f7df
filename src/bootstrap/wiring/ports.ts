import type { Container, ServiceIdentifier } from 'inversify';
import type { Allowlist } from '../../application/ports/allowlist.port.ts';
import type { AuditTrail } from '../../application/ports/audit-trail.port.ts';
import type { CampaignRepository } from '../../application/ports/campaign-repository.port.ts';
import type { CampaignReportStore } from '../../application/ports/campaign-report-store.port.ts';
import type { Clock } from '../../application/ports/clock.port.ts';
import type { CouponPublisher } from '../../application/ports/coupon-publisher.port.ts';
import type { CouponRepository } from '../../application/ports/coupon-repository.port.ts';
import type { FailedIssuanceRepository } from '../../application/ports/failed-issuance-repository.port.ts';
import type { HealthCheck } from '../../application/ports/health-check.port.ts';
import type { IssuanceLedger } from '../../application/ports/issuance-ledger.port.ts';
import type { IssuanceOutbox } from '../../application/ports/issuance-outbox.port.ts';
import type { LedgerAudit } from '../../application/ports/ledger-audit.port.ts';
import type { LedgerControls } from '../../application/ports/ledger-controls.port.ts';
import type { LedgerRecovery } from '../../application/ports/ledger-recovery.port.ts';
import type { Logger } from '../../application/ports/logger.port.ts';
import type { PersistenceBacklog } from '../../application/ports/persistence-backlog.port.ts';
import type { PersistenceMarks } from '../../application/ports/persistence-marks.port.ts';
import type { SpentProofs } from '../../application/ports/proof-of-work.port.ts';
import type { RecordAudit } from '../../application/ports/record-audit.port.ts';

/** Every port the core is composed over: what one adapter family or another provides. */
export interface Ports {
  readonly logger: Logger;
  readonly clock: Clock;
  readonly ledger: IssuanceLedger;
  readonly recovery: LedgerRecovery;
  readonly controls: LedgerControls;
  readonly outbox: IssuanceOutbox;
  readonly marks: PersistenceMarks;
  readonly publisher: CouponPublisher;
  readonly backlog: PersistenceBacklog;
  readonly campaigns: CampaignRepository;
  readonly coupons: CouponRepository;
  readonly failures: FailedIssuanceRepository;
  readonly reports: CampaignReportStore;
  readonly allowlist: Allowlist;
  readonly audit: AuditTrail;
  /** The proof-of-work solutions already accepted (with the ledger: memory or its Redis). */
  readonly spentProofs: SpentProofs;
  /** The persistence audit's two sides: the ledger's grants, the durable record's rows. */
  readonly ledgerAudit: LedgerAudit;
  readonly recordAudit: RecordAudit;
}

export const token = <T>(name: string) => Symbol.for(`coupon.${name}`) as ServiceIdentifier<T>;

/**
 * The container binds ports only, one token each: an adapter module binds the ports of its family
 * (memory, Redis, Kafka, MySQL), and the core is composed over them in code (core.ts), where its
 * decorator chains can be read.
 */
export const PORTS: { readonly [K in keyof Ports]: ServiceIdentifier<Ports[K]> } = {
  logger: token('Logger'),
  clock: token('Clock'),
  ledger: token('IssuanceLedger'),
  recovery: token('LedgerRecovery'),
  controls: token('LedgerControls'),
  outbox: token('IssuanceOutbox'),
  marks: token('PersistenceMarks'),
  publisher: token('CouponPublisher'),
  backlog: token('PersistenceBacklog'),
  campaigns: token('CampaignRepository'),
  coupons: token('CouponRepository'),
  failures: token('FailedIssuanceRepository'),
  reports: token('CampaignReportStore'),
  allowlist: token('Allowlist'),
  audit: token('AuditTrail'),
  spentProofs: token('SpentProofs'),
  ledgerAudit: token('LedgerAudit'),
  recordAudit: token('RecordAudit'),
};

/** Multi-bound: every adapter family with a dependency to watch adds its readiness check. */
export const HEALTH_CHECKS = token<HealthCheck>('HealthCheck');

export function resolvePorts(container: Container): Ports {
  const entries = Object.entries(PORTS).map(
    ([name, id]) => [name, container.get(id as ServiceIdentifier<unknown>)] as const,
  );
  return Object.fromEntries(entries) as unknown as Ports;
}
