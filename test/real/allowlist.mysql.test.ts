import { createOrm } from '../../src/adapters/mikro-orm/mikro-orm-config.ts';
import { MikroOrmAllowlist } from '../../src/adapters/mikro-orm/mikro-orm-allowlist.ts';
import { runMigrations } from '../../src/adapters/mikro-orm/run-migrations.ts';
import { describeAllowlistContract } from '../contract/allowlist.contract.ts';
import { requireService } from '../support/real-services.ts';

const databaseUrl = requireService('DATABASE_URL');

describeAllowlistContract('MikroORM on MySQL', async () => {
  const orm = await createOrm(databaseUrl);
  await runMigrations(orm);
  return { allowlist: new MikroOrmAllowlist(orm), close: () => orm.close() };
});
