import { randomUUID } from 'node:crypto';
import {
  ConnectionException,
  DeadlockException,
  ForeignKeyConstraintViolationException,
  LockWaitTimeoutException,
} from '@mikro-orm/core';
import type { MikroORM } from '@mikro-orm/mysql';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MikroOrmCampaignRepository } from '../../src/adapters/mikro-orm/mikro-orm-campaign-repository.ts';
import { createOrm } from '../../src/adapters/mikro-orm/mikro-orm-config.ts';
import { MikroOrmCouponRepository } from '../../src/adapters/mikro-orm/mikro-orm-coupon-repository.ts';
import { isStoreUnavailable, mapStoreError } from '../../src/adapters/mikro-orm/map-store-error.ts';
import { runMigrations } from '../../src/adapters/mikro-orm/run-migrations.ts';
import { StoreUnavailableError } from '../../src/application/errors.ts';
import type { CampaignId, UserId } from '../../src/domain/ids.ts';
import { describeCouponRepositoryContract } from '../contract/coupon-repository.contract.ts';
import { CampaignMother, CouponMother, randomCampaignId } from '../support/mothers.ts';
import { requireService } from '../support/real-services.ts';

const databaseUrl = requireService('DATABASE_URL');

/** A pool on the real database with the committed migrations applied (never a schema sync). */
async function migratedOrm(): Promise<MikroORM> {
  const orm = await createOrm(databaseUrl);
  await runMigrations(orm);
  return orm;
}

/** The same database reached at another address or as another user. */
function variantUrl(change: (url: URL) => void): string {
  const url = new URL(databaseUrl);
  change(url);
  return url.toString();
}

/** Resolves to what the promise rejected with (or fails the test if it resolved). */
async function rejectionOf(promise: Promise<unknown>): Promise<unknown> {
  return promise.then(
    () => expect.fail('expected a rejection'),
    (error: unknown) => error,
  );
}

describeCouponRepositoryContract('MikroORM on MySQL', async () => {
  const orm = await migratedOrm();
  return {
    coupons: new MikroOrmCouponRepository(orm),
    campaigns: new MikroOrmCampaignRepository(orm),
    close: () => orm.close(),
  };
});

describe('MikroOrmCouponRepository on MySQL: poison records and outages', () => {
  let orm: MikroORM;
  let coupons: MikroOrmCouponRepository;
  let campaignId: CampaignId;

  beforeAll(async () => {
    orm = await migratedOrm();
    coupons = new MikroOrmCouponRepository(orm);
    const campaign = CampaignMother.open();
    await new MikroOrmCampaignRepository(orm).create(campaign);
    campaignId = campaign.id;
  });

  afterAll(async () => {
    await orm?.close();
  });

  it('refuses a coupon whose sequence another user holds: never merged silently', async () => {
    const campaign = CampaignMother.open();
    await new MikroOrmCampaignRepository(orm).create(campaign);
    const stored = CouponMother.of(campaign.id, 7001);
    await coupons.saveAll([stored]);

    // Redelivery of the very same coupon is harmless.
    await coupons.saveAll([stored]);
    const intruder = CouponMother.of(campaign.id, 7001);
    const sameSequence = await rejectionOf(coupons.saveAll([intruder]));

    expect(String(sameSequence)).toContain(
      `SEQUENCE_CONFLICT: campaign ${campaign.id}: sequence 7001 is already held by user ${stored.userId}, not ${intruder.userId}`,
    );
    expect(sameSequence).not.toBeInstanceOf(StoreUnavailableError);
    expect(await coupons.find(campaign.id, stored.userId)).toEqual(stored);
    expect(await coupons.find(campaign.id, intruder.userId)).toBeUndefined();
  });

  it('reports an unknown campaign as the foreign key violation it is', async () => {
    const error = await rejectionOf(coupons.saveAll([CouponMother.of(randomCampaignId(), 1)]));

    expect(error).toBeInstanceOf(ForeignKeyConstraintViolationException);
  });

  it('rejects a value the column cannot hold as poison (strict mode), not as an outage', async () => {
    // Not INSERT IGNORE: a too-long id must fail loudly rather than be silently truncated.
    const tooLong = CouponMother.of(campaignId, 1, { userId: 'u'.repeat(65) as UserId });

    const error = await rejectionOf(coupons.saveAll([tooLong]));

    expect(error).toBeInstanceOf(Error);
    expect(error).not.toBeInstanceOf(StoreUnavailableError);
    expect(await coupons.countByCampaign(campaignId)).toBe(0);
  });

  it('rejects an invalid issuedAt as poison before touching the database', async () => {
    const broken = CouponMother.of(campaignId, 1, { issuedAt: new Date(Number.NaN) });

    const error = await rejectionOf(coupons.saveAll([broken]));

    expect(error).toBeInstanceOf(RangeError);
  });

  it('throws StoreUnavailableError for every operation when MySQL cannot be reached', async () => {
    // Port 1 on loopback: nothing listens, every connection attempt is refused at once.
    const down = await createOrm(
      variantUrl((url) => (url.port = '1')),
      { connectTimeoutMs: 2_000 },
    );
    try {
      const repository = new MikroOrmCouponRepository(down);
      for (const operation of [
        () => repository.saveAll([CouponMother.of(campaignId, 1)]),
        () => repository.find(campaignId, 'u-1' as UserId),
        () => repository.countByCampaign(campaignId),
        () => repository.listByCampaign(campaignId, 0, 10),
      ]) {
        const error = await rejectionOf(operation());
        expect(error).toBeInstanceOf(StoreUnavailableError);
        expect((error as StoreUnavailableError).cause).toBeDefined();
      }
    } finally {
      await down.close();
    }
  });

  it('throws StoreUnavailableError when the credentials are refused (retry, never dead-letter)', async () => {
    const denied = await createOrm(variantUrl((url) => (url.password = 'wrong-password')));
    try {
      const error = await rejectionOf(
        new MikroOrmCouponRepository(denied).countByCampaign(campaignId),
      );
      expect(error).toBeInstanceOf(StoreUnavailableError);
    } finally {
      await denied.close();
    }
  });

  it('a write racing shutdown is never judged a poison record: it lands or is retried', async () => {
    const closing = await createOrm(databaseUrl);
    const repository = new MikroOrmCouponRepository(closing);
    await repository.countByCampaign(campaignId);
    await closing.close();
    const coupon = CouponMother.of(campaignId, 1);

    // MikroORM 7 connects on demand, so a closed ORM may open a new pool for a late write; what
    // must never happen is an error the consumer would dead-letter a good coupon for.
    const outcome = await repository.saveAll([coupon]).then(
      () => 'landed',
      (error: unknown) => error,
    );

    if (outcome === 'landed') {
      expect(await new MikroOrmCouponRepository(orm).find(campaignId, coupon.userId)).toEqual(
        coupon,
      );
    } else {
      expect(outcome).toBeInstanceOf(StoreUnavailableError);
    }
    await closing.close();
  });
});

describe('MySQL schema from the committed migrations', () => {
  // A throwaway database (the service grants coupon_% to the test user), so the migrations are
  // exercised from empty every run, not just found already applied in the shared database.
  const scratchName = `coupon_migrations_${randomUUID().replaceAll('-', '').slice(0, 12)}`;
  const scratchUrl = variantUrl((url) => (url.pathname = `/${scratchName}`));
  let admin: MikroORM;
  let orms: MikroORM[] = [];

  beforeAll(async () => {
    admin = await createOrm(databaseUrl);
    await admin.em.fork().execute(`create database \`${scratchName}\``, [], 'run');
    orms = await Promise.all([1, 2, 3].map(() => createOrm(scratchUrl)));
  });

  afterAll(async () => {
    await Promise.all(orms.map((orm) => orm.close()));
    await admin?.em.fork().execute(`drop database if exists \`${scratchName}\``, [], 'run');
    await admin?.close();
  });

  it('apply once on an empty database even when three pools migrate at the same time', async () => {
    const runs = await Promise.all(orms.map((orm) => runMigrations(orm)));

    expect(runs.flat()).toEqual([
      'Migration20261125090000_create_coupon_tables',
      'Migration20261201100000_unique_campaign_sequence',
      'Migration20261210090000_create_campaign_report_tables',
      'Migration20261211090000_operator_controls',
      'Migration20261215090000_fairness_options',
      'Migration20261216090000_opening_shuffle',
      'Migration20261217090000_report_audit_reemitted',
    ]);
    expect(await runMigrations(orms[0] as MikroORM)).toEqual([]);
  });

  it('produce exactly what the entity schemas describe (mapping and DDL never drift)', async () => {
    const orm = orms[0] as MikroORM;
    await runMigrations(orm);
    const diff = await orm.schema.getUpdateSchemaSQL({ wrap: false, dropTables: false });
    // Known false positives of the MySQL driver on MariaDB, which quotes COLUMN_DEFAULT: it reads
    // the default of a nullable VARCHAR as the string 'NULL', and a string default as `'x'`
    // where MySQL says `x`, and proposes to "modify" such a column to exactly what it is.
    // Each column named, with its exact type: a real drift (a length, a nullability) still shows.
    const mariaDbNullDefaultNoise = new RegExp(
      [
        /^alter table `failed_issuance` modify `(?:campaign_id|user_id)` varchar\(64\)(?: null)?;$/,
        /^alter table `admin_audit` modify `campaign_id` varchar\(64\) null;$/,
        /^alter table `admin_audit` modify `reason` varchar\(500\) null;$/,
        /^alter table `campaign` modify `segment` varchar\(64\) null;$/,
        /^alter table `campaign` modify `state` varchar\(16\) not null default 'published';$/,
        /^alter table `campaign` modify `eligibility` varchar\(16\) not null default 'anyone';$/,
      ]
        .map((pattern) => pattern.source)
        .join('|'),
    );
    const statements = diff
      .split('\n')
      .map((line) => line.trim())
      .filter((line) => line.length > 0 && !mariaDbNullDefaultNoise.test(line));

    expect(statements).toEqual([]);
  });
});

describe('mapStoreError', () => {
  const withCode = (code: string, errno?: number) =>
    Object.assign(new Error(`driver said ${code}`), { code, ...(errno ? { errno } : {}) });

  it.each([
    ['refused connection', withCode('ECONNREFUSED')],
    ['connect timeout', withCode('ETIMEDOUT')],
    ['connection lost (mysql2)', withCode('PROTOCOL_CONNECTION_LOST')],
    ['too many connections', withCode('ER_CON_COUNT_ERROR', 1040)],
    ['deadlock', withCode('ER_LOCK_DEADLOCK', 1213)],
    ['lock wait timeout', withCode('ER_LOCK_WAIT_TIMEOUT', 1205)],
    [
      'server shutdown in progress (errno only)',
      Object.assign(new Error('shutdown'), { errno: 1053 }),
    ],
    ['mysql2 fatal error', Object.assign(new Error('socket hang up'), { fatal: true })],
    [
      'knex pool timeout',
      Object.assign(new Error('Knex: Timeout acquiring a connection.'), {
        name: 'KnexTimeoutError',
      }),
    ],
    ['message only', new Error('Connection lost: The server closed the connection.')],
    ['MikroORM ConnectionException', new ConnectionException(new Error('Access denied'))],
    ['MikroORM DeadlockException', new DeadlockException(withCode('ER_LOCK_DEADLOCK', 1213))],
    [
      'MikroORM LockWaitTimeoutException',
      new LockWaitTimeoutException(withCode('ER_LOCK_WAIT_TIMEOUT', 1205)),
    ],
    [
      'AggregateError of refusals',
      new AggregateError([withCode('ECONNREFUSED'), withCode('ECONNREFUSED')], 'x'),
    ],
    ['wrapped cause', new Error('query failed', { cause: withCode('ECONNRESET') })],
    ['missing table (not migrated)', withCode('ER_NO_SUCH_TABLE', 1146)],
  ])('maps %s to StoreUnavailableError, keeping the cause', (_label, error) => {
    const mapped = mapStoreError(error);

    expect(mapped).toBeInstanceOf(StoreUnavailableError);
    expect((mapped as StoreUnavailableError).cause).toBe(error);
  });

  it.each([
    [
      'foreign key violation',
      new ForeignKeyConstraintViolationException(withCode('ER_NO_REFERENCED_ROW_2', 1452)),
    ],
    ['data too long', withCode('ER_DATA_TOO_LONG', 1406)],
    ['duplicate entry', withCode('ER_DUP_ENTRY', 1062)],
    ['invalid date', new RangeError('Invalid time value')],
    ['plain error', new Error('boom')],
    ['non-error value', 'boom'],
  ])('returns %s unchanged (a poison record for the caller)', (_label, error) => {
    expect(mapStoreError(error)).toBe(error);
    expect(isStoreUnavailable(error)).toBe(false);
  });

  it('returns a StoreUnavailableError as it is', () => {
    const error = new StoreUnavailableError(new Error('x'));
    expect(mapStoreError(error)).toBe(error);
  });
});

describe('createOrm', () => {
  it('refuses a malformed or non-MySQL URL at boot instead of failing on the first write', async () => {
    await expect(createOrm('not a url')).rejects.toThrow(/DATABASE_URL is not a valid URL/);
    await expect(createOrm('postgres://u:p@127.0.0.1/db')).rejects.toThrow(
      /mysql:\/\/ or mariadb:\/\//,
    );
  });
});
