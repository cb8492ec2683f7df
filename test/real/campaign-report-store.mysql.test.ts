import { MikroOrmCampaignReportStore } from '../../src/adapters/mikro-orm/mikro-orm-campaign-report-store.ts';
import { MikroOrmCampaignRepository } from '../../src/adapters/mikro-orm/mikro-orm-campaign-repository.ts';
import { createOrm } from '../../src/adapters/mikro-orm/mikro-orm-config.ts';
import { runMigrations } from '../../src/adapters/mikro-orm/run-migrations.ts';
import { describeCampaignReportStoreContract } from '../contract/campaign-report-store.contract.ts';
import { requireService } from '../support/real-services.ts';

const databaseUrl = requireService('DATABASE_URL');

describeCampaignReportStoreContract('MikroORM on MySQL', async () => {
  const orm = await createOrm(databaseUrl);
  await runMigrations(orm);
  return {
    reports: new MikroOrmCampaignReportStore(orm),
    campaigns: new MikroOrmCampaignRepository(orm),
    close: () => orm.close(),
  };
});
