import { MikroOrmCampaignRepository } from '../../src/adapters/mikro-orm/mikro-orm-campaign-repository.ts';
import { createOrm } from '../../src/adapters/mikro-orm/mikro-orm-config.ts';
import { MikroOrmCouponRepository } from '../../src/adapters/mikro-orm/mikro-orm-coupon-repository.ts';
import { MikroOrmRecordAudit } from '../../src/adapters/mikro-orm/mikro-orm-record-audit.ts';
import { runMigrations } from '../../src/adapters/mikro-orm/run-migrations.ts';
import { describeRecordAuditContract } from '../contract/record-audit.contract.ts';
import { requireService } from '../support/real-services.ts';

const databaseUrl = requireService('DATABASE_URL');

describeRecordAuditContract('MikroORM on MySQL', async () => {
  const orm = await createOrm(databaseUrl);
  await runMigrations(orm);
  const coupons = new MikroOrmCouponRepository(orm);
  return {
    campaigns: new MikroOrmCampaignRepository(orm),
    coupons,
    records: new MikroOrmRecordAudit(orm, coupons),
    close: () => orm.close(),
  };
});
