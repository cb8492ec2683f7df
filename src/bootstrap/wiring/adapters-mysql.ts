import { MikroOrmRecordAudit } from '../../adapters/mikro-orm/mikro-orm-record-audit.ts';
import { ContainerModule } from 'inversify';
import { createOrm } from '../../adapters/mikro-orm/mikro-orm-config.ts';
import { MikroOrmCampaignReportStore } from '../../adapters/mikro-orm/mikro-orm-campaign-report-store.ts';
import { MikroOrmAllowlist } from '../../adapters/mikro-orm/mikro-orm-allowlist.ts';
import { MikroOrmAuditTrail } from '../../adapters/mikro-orm/mikro-orm-audit-trail.ts';
import { MikroOrmCampaignRepository } from '../../adapters/mikro-orm/mikro-orm-campaign-repository.ts';
import { MikroOrmCouponRepository } from '../../adapters/mikro-orm/mikro-orm-coupon-repository.ts';
import { MikroOrmFailedIssuanceRepository } from '../../adapters/mikro-orm/mikro-orm-failed-issuance-repository.ts';
import { MySqlHealthCheck } from '../../adapters/mikro-orm/mysql-health-check.ts';
import type { Config } from '../config.ts';
import type { Lifecycle } from '../runtime/lifecycle.ts';
import { HEALTH_CHECKS, PORTS } from './ports.ts';

/** Campaigns, coupons, failures and reports in MySQL/MariaDB through MikroORM (schema by migrations). */
export async function mysqlStore(config: Config, lifecycle: Lifecycle): Promise<ContainerModule> {
  const orm = await createOrm(config.DATABASE_URL ?? '', { poolMax: config.DATABASE_POOL_MAX });
  lifecycle.onStop('mysql', () => orm.close());
  return new ContainerModule(({ bind }) => {
    bind(PORTS.campaigns).toConstantValue(new MikroOrmCampaignRepository(orm));
    bind(PORTS.audit).toConstantValue(new MikroOrmAuditTrail(orm));
    bind(PORTS.allowlist).toConstantValue(new MikroOrmAllowlist(orm));
    const coupons = new MikroOrmCouponRepository(orm);
    bind(PORTS.coupons).toConstantValue(coupons);
    bind(PORTS.recordAudit).toConstantValue(new MikroOrmRecordAudit(orm, coupons));
    bind(PORTS.failures).toConstantValue(new MikroOrmFailedIssuanceRepository(orm));
    bind(PORTS.reports).toConstantValue(new MikroOrmCampaignReportStore(orm));
    bind(HEALTH_CHECKS).toConstantValue(new MySqlHealthCheck(orm));
  });
}
