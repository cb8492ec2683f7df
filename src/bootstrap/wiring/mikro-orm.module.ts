import { ContainerModule } from 'inversify';
import { createOrm } from '../../adapters/mikro-orm/mikro-orm-config.ts';
import { MikroOrmCampaignRepository } from '../../adapters/mikro-orm/mikro-orm-campaign-repository.ts';
import { MikroOrmCouponRepository } from '../../adapters/mikro-orm/mikro-orm-coupon-repository.ts';
import { MikroOrmFailedIssuanceRepository } from '../../adapters/mikro-orm/mikro-orm-failed-issuance-repository.ts';
import { MySqlHealthCheck } from '../../adapters/mikro-orm/mysql-health-check.ts';
import type { Config } from './config.ts';
import type { Lifecycle } from '../runtime/lifecycle.ts';
import { ADAPTERS, TOKENS as T } from './tokens.ts';

/** Campaigns, coupons and failures in MySQL/MariaDB through MikroORM (schema by migrations). */
export async function mikroOrmModule(
  config: Config,
  lifecycle: Lifecycle,
): Promise<ContainerModule> {
  const orm = await createOrm(config.DATABASE_URL ?? '', { poolMax: config.DATABASE_POOL_MAX });
  lifecycle.onStop('mysql', () => orm.close());
  return new ContainerModule(({ bind }) => {
    bind(T.campaigns).toConstantValue(new MikroOrmCampaignRepository(orm));
    bind(ADAPTERS.coupons).toConstantValue(new MikroOrmCouponRepository(orm));
    bind(T.failures).toConstantValue(new MikroOrmFailedIssuanceRepository(orm));
    bind(T.healthChecks).toConstantValue(new MySqlHealthCheck(orm));
  });
}
