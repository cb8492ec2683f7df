import { MikroOrmFailedIssuanceRepository } from '../../src/adapters/mikro-orm/mikro-orm-failed-issuance-repository.ts';
import { createOrm } from '../../src/adapters/mikro-orm/mikro-orm-config.ts';
import { runMigrations } from '../../src/adapters/mikro-orm/run-migrations.ts';
import { describeFailedIssuanceRepositoryContract } from '../contract/failed-issuance-repository.contract.ts';
import { requireService } from '../support/real-services.ts';

const databaseUrl = requireService('DATABASE_URL');

describeFailedIssuanceRepositoryContract('MikroORM on MySQL', async () => {
  const orm = await createOrm(databaseUrl);
  await runMigrations(orm);
  return { failures: new MikroOrmFailedIssuanceRepository(orm), close: () => orm.close() };
});
