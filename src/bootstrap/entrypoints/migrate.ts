/**
 * `npm run migrate`: applies the committed MikroORM migrations to DATABASE_URL and exits.
 * The services never sync the schema themselves; this is the only thing that changes it.
 * Idempotent: a second run reports that there is nothing to do. Concurrent runs are
 * serialised by a database lock (see run-migrations.ts).
 */
import './require-node.ts'; // first: stops an older Node with one clear line
import { createOrm } from '../../adapters/mikro-orm/mikro-orm-config.ts';
import { runMigrations } from '../../adapters/mikro-orm/run-migrations.ts';
import { CliFailure, describeError, parseCli, runCli } from './cli-options.ts';

const USAGE = `
npm run migrate [-- --verbose]

Applies the committed database migrations to DATABASE_URL (MySQL or MariaDB), e.g.
DATABASE_URL=mysql://coupon:coupon@127.0.0.1:3306/coupon. Idempotent: a second run has
nothing to do. The processes never change the schema themselves.

  --verbose     show the stack of an unexpected error
  -h, --help    this text
`;

const args = parseCli({ name: 'migrate', usage: USAGE });

await runCli('migrate', args.verbose, async () => {
  const databaseUrl = process.env['DATABASE_URL']?.trim();
  if (!databaseUrl) {
    throw new CliFailure(
      'DATABASE_URL is not set (e.g. DATABASE_URL=mysql://coupon:coupon@127.0.0.1:3306/coupon)',
    );
  }
  const orm = await createOrm(databaseUrl, { poolMin: 0, poolMax: 4 });
  try {
    const ran = await runMigrations(orm);
    if (ran.length === 0) console.log('migrate: schema is up to date, nothing to do');
    for (const name of ran) console.log(`migrate: applied ${name}`);
    return 0;
  } catch (error) {
    if (args.verbose) throw error;
    throw new CliFailure(`failed: ${describeError(error)}`);
  } finally {
    await orm.close();
  }
});
