import type { MikroORM } from '@mikro-orm/mysql';
import type { HealthCheck } from '../../application/ports/health-check.port.ts';

/** Readiness of the durable store: one pooled round trip, no table touched. */
export class MySqlHealthCheck implements HealthCheck {
  readonly name = 'mysql';

  constructor(private readonly orm: MikroORM) {}

  async check(): Promise<void> {
    await this.orm.em.fork().execute('select 1', [], 'get');
  }
}
