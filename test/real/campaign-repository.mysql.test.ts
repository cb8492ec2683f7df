import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { MikroORM } from '@mikro-orm/mysql';
import { MikroOrmAuditTrail } from '../../src/adapters/mikro-orm/mikro-orm-audit-trail.ts';
import { MikroOrmCampaignRepository } from '../../src/adapters/mikro-orm/mikro-orm-campaign-repository.ts';
import { createOrm } from '../../src/adapters/mikro-orm/mikro-orm-config.ts';
import { MySqlHealthCheck } from '../../src/adapters/mikro-orm/mysql-health-check.ts';
import { runMigrations } from '../../src/adapters/mikro-orm/run-migrations.ts';
import { describeCampaignRepositoryContract } from '../contract/campaign-repository.contract.ts';
import { requireService } from '../support/real-services.ts';

const databaseUrl = requireService('DATABASE_URL');

/** A pool on the real database with the committed migrations applied (never a schema sync). */
async function migratedOrm(): Promise<MikroORM> {
  const orm = await createOrm(databaseUrl);
  await runMigrations(orm);
  return orm;
}

describeCampaignRepositoryContract('MikroORM on MySQL', async () => {
  // A small pool, so that changes holding connections while they read would run out of them.
  const orm = await createOrm(databaseUrl, { poolMax: 5 });
  await runMigrations(orm);
  return {
    campaigns: new MikroOrmCampaignRepository(orm),
    audit: new MikroOrmAuditTrail(orm),
    close: () => orm.close(),
  };
});

describe('MySqlHealthCheck', () => {
  let orm: MikroORM;
  let unreachable: MikroORM;

  beforeAll(async () => {
    orm = await migratedOrm();
    // Port 1 on loopback: nothing listens, the connection is refused at once.
    unreachable = await createOrm('mysql://coupon:coupon@127.0.0.1:1/coupon', {
      connectTimeoutMs: 2_000,
    });
  });

  afterAll(async () => {
    await orm?.close();
    await unreachable?.close();
  });

  it('is named mysql and passes when the database answers', async () => {
    const check = new MySqlHealthCheck(orm);
    expect(check.name).toBe('mysql');
    await expect(check.check()).resolves.toBeUndefined();
  });

  it('rejects when the database cannot be reached', async () => {
    await expect(new MySqlHealthCheck(unreachable).check()).rejects.toThrow();
  });
});
