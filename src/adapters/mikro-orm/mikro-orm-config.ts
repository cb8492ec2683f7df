import { fileURLToPath } from 'node:url';
import { Migrator } from '@mikro-orm/migrations';
import { MikroORM, MySqlDriver, type Options } from '@mikro-orm/mysql';
import { ENTITY_SCHEMAS } from './entity-schemas.ts';

export interface OrmOptions {
  /** Connections kept open even when idle (default 2). */
  readonly poolMin?: number;
  /** Upper bound of pooled connections (default 20). */
  readonly poolMax?: number;
  /**
   * TCP connect timeout of one new connection (default 5 s). Short on purpose: when MySQL is
   * down the caller should hear StoreUnavailableError quickly and back off, not hang.
   */
  readonly connectTimeoutMs?: number;
  /** Log every query (default false). */
  readonly debug?: boolean;
}

/**
 * The one method of the SQL driver's connection that onCreateConnection needs. The driver runs a
 * compiled query by its `sql` and `parameters`; a raw statement needs nothing else.
 */
interface SessionConnection {
  executeQuery(query: { sql: string; parameters: readonly unknown[] }): Promise<unknown>;
}
/**
 * UTC, and strict mode whatever the server's default: bad data must fail as an error (a poison
 * record), never be truncated into a row, and the coupon insert's conflict check relies on it.
 */
const UTC_SESSION = {
  sql:
    "SET time_zone = '+00:00', sql_mode = 'STRICT_TRANS_TABLES,NO_ZERO_IN_DATE,NO_ZERO_DATE," +
    "ERROR_FOR_DIVISION_BY_ZERO,NO_ENGINE_SUBSTITUTION'",
  parameters: [],
} as const;

/** The committed migrations, next to this file both under tsx (`.ts`) and in a build (`.js`). */
export const MIGRATIONS_PATH = fileURLToPath(new URL('./migrations', import.meta.url));

/** Builds the MikroORM options; exported so tooling (e.g. the MikroORM CLI) can reuse them. */
export function ormConfig(databaseUrl: string, options: OrmOptions = {}): Options {
  return {
    driver: MySqlDriver,
    clientUrl: databaseUrl,
    entities: ENTITY_SCHEMAS,
    // EntitySchema carries every type explicitly, so no reflection or ts-morph is needed; this
    // keeps the adapter working under tsx, vitest and esbuild, none of which emit decorator
    // metadata.
    discovery: { warnWhenNoEntities: false },
    metadataCache: { enabled: false },
    extensions: [Migrator],
    // Every operation forks its own EntityManager; a stray use of the global one is a bug that
    // would share an identity map between unrelated requests, so make it throw.
    allowGlobalContext: false,
    debug: options.debug ?? false,
    // The schema is owned by migrations, run explicitly (npm run migrate). Never create the
    // database or sync the schema at start: two processes starting together would race.
    ensureDatabase: false,
    ensureIndexes: false,
    // DATETIME has no zone: store and read every instant as UTC so a coupon's issuedAt
    // round-trips unchanged whatever the zone of the Node process or of the server.
    forceUtcTimezone: true,
    charset: 'utf8mb4',
    // Binary collation: user ids are case-sensitive (the ledger's Redis set is), so 'Ann' and
    // 'ann' must not collide on the unique key; a case-insensitive collation would turn the
    // second grant into a silent ON DUPLICATE KEY no-op and lose a granted coupon.
    collate: 'utf8mb4_bin',
    pool: { min: options.poolMin ?? 2, max: options.poolMax ?? 20 },
    // Defaults like current_timestamp(3) are evaluated in the session zone: pin it to UTC so
    // persisted_at / created_at agree with the UTC instants the application writes.
    onCreateConnection: async (connection: unknown) => {
      await (connection as SessionConnection).executeQuery(UTC_SESSION);
    },
    // mysql2's pool options: a dead server fails a new connection after connectTimeout.
    driverOptions: { connectTimeout: options.connectTimeoutMs ?? 5_000 },
    migrations: {
      path: MIGRATIONS_PATH,
      pathTs: MIGRATIONS_PATH,
      glob: '!(*.d).{js,ts}',
      tableName: 'mikro_orm_migrations',
      // No wrapping transaction: MySQL commits implicitly at every DDL statement, so it would
      // promise an atomicity it cannot give (and knex warns about it). A run stops at the first
      // failing migration; keep each migration small enough to repair by hand.
      transactional: false,
      allOrNothing: false,
      // We print what ran ourselves (src/bootstrap/entrypoints/migrate.ts).
      silent: true,
      snapshot: false,
      emit: 'ts',
    },
    // The migrator loads migration files with a dynamic import issued from MikroORM's own module,
    // which vitest would not transform. Issuing the import from this module lets tsx / vitest
    // load a `.ts` migration like any other source (and plain node the built `.js`).
    dynamicImportProvider: (id: string) => import(id),
  };
}

/**
 * Connects lazily (MikroORM 7's init does not connect; the pool opens connections on first use,
 * so a process may start while MySQL is down and recover when it comes back) and never touches the schema.
 * Callers fork `orm.em` per operation and `close()` the ORM at shutdown.
 */
export async function createOrm(databaseUrl: string, options: OrmOptions = {}): Promise<MikroORM> {
  // Fail here, at boot, on a malformed URL: since connecting is lazy, it would otherwise surface
  // on the first write as an error that looks like a poison record, not like an outage.
  let protocol: string;
  try {
    protocol = new URL(databaseUrl).protocol;
  } catch {
    throw new Error(
      'DATABASE_URL is not a valid URL (expected mysql://user:password@host:3306/db)',
    );
  }
  if (protocol !== 'mysql:' && protocol !== 'mariadb:') {
    throw new Error(`DATABASE_URL must use mysql:// or mariadb://, not ${protocol}//`);
  }
  return MikroORM.init(ormConfig(databaseUrl, options));
}
