import type { MikroORM } from '@mikro-orm/mysql';

/** How long a second migrator waits for the first one before giving up. */
const LOCK_TIMEOUT_SECONDS = 120;

/**
 * Applies every pending migration and returns the names that ran (empty when up to date).
 *
 * Serialised across processes with a MySQL named lock: test files run migrations in parallel
 * and several replicas may start together; without the lock two of them would both see a
 * migration pending and the second CREATE TABLE would fail. GET_LOCK belongs to the session,
 * so it is taken on one connection held for the whole run (a transaction that touches no
 * table), and it is released even if this process dies, when that connection drops.
 */
export async function runMigrations(orm: MikroORM): Promise<string[]> {
  const connection = orm.em.getConnection();
  return connection.transactional(async (lockSession) => {
    const lockName = "concat('coupon-migrations:', database())";
    const lock = await connection.execute<{ acquired: number | null }>(
      `select get_lock(${lockName}, ?) as acquired`,
      [LOCK_TIMEOUT_SECONDS],
      'get',
      lockSession,
    );
    if (Number(lock.acquired) !== 1) {
      throw new Error(`another migration run held the lock for more than ${LOCK_TIMEOUT_SECONDS}s`);
    }
    try {
      const executed = await orm.migrator.up();
      return executed.map((migration) => migration.name);
    } finally {
      await connection.execute(`select release_lock(${lockName})`, [], 'get', lockSession);
    }
  });
}
