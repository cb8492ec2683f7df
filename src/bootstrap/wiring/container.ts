import 'reflect-metadata';
import { Container } from 'inversify';
import { Registry } from 'prom-client';
import type { HealthCheck } from '../../application/ports/health-check.port.ts';
import type { Logger } from '../../application/ports/logger.port.ts';
import { SystemClock } from '../../adapters/system/system-clock.ts';
import { applicationModule } from './application.module.ts';
import { ConfigError, type Config } from './config.ts';
import { Lifecycle } from '../runtime/lifecycle.ts';
import { memoryLedgerModule, memoryLogModule, memoryStoreModule } from './memory.module.ts';
import { metricsModule } from './metrics.module.ts';
import { TOKENS } from './tokens.ts';

/** Which adapter serves each family of ports; chosen by which variables are set. */
export interface Wiring {
  readonly ledger: 'memory' | 'redis' | 'redis-cluster' | 'redis-sentinel';
  readonly log: 'memory' | 'kafka';
  readonly store: 'memory' | 'mysql';
}

/** Which adapters to use; two ways to reach the ledger's Redis at once is ambiguous, refused. */
export function wiringFor(config: Config): Wiring {
  const ways = (['REDIS_URL', 'REDIS_CLUSTER_NODES', 'REDIS_SENTINELS'] as const).filter(
    (name) => config[name] !== undefined,
  );
  if (ways.length > 1) {
    throw new ConfigError(
      `invalid configuration: ${ways[1]}: set one of REDIS_URL, REDIS_CLUSTER_NODES or REDIS_SENTINELS, not ${ways.join(' and ')}`,
    );
  }
  if (config.REDIS_CLUSTER_NODES && config.LEDGER_MIN_REPLICAS > 0) {
    throw new ConfigError(
      'invalid configuration: LEDGER_MIN_REPLICAS: needs REDIS_URL or REDIS_SENTINELS (a cluster spreads one WAIT over many nodes; see docs/reliability.md)',
    );
  }
  return {
    ledger: config.REDIS_CLUSTER_NODES
      ? 'redis-cluster'
      : config.REDIS_URL
        ? 'redis'
        : config.REDIS_SENTINELS
          ? 'redis-sentinel'
          : 'memory',
    log: config.KAFKA_BROKERS ? 'kafka' : 'memory',
    store: config.DATABASE_URL ? 'mysql' : 'memory',
  };
}

export interface Runtime {
  readonly config: Config;
  readonly wiring: Wiring;
  readonly logger: Logger;
  readonly container: Container;
  readonly lifecycle: Lifecycle;
  healthChecks(): HealthCheck[];
}

/**
 * The composition root: one container per process, built from one module per adapter family
 * plus the application module, so the API, the consumer and the embedded mode share the core.
 * Connections are opened here (fail fast at boot) and closed by the lifecycle in reverse order.
 */
export async function createRuntime(
  config: Config,
  logger: Logger,
  role: string,
): Promise<Runtime> {
  const container = new Container({ defaultScope: 'Singleton' });
  const lifecycle = new Lifecycle(logger, config.SHUTDOWN_TIMEOUT_MS);
  const wiring = wiringFor(config);
  container.bind(TOKENS.logger).toConstantValue(logger);
  container.bind(TOKENS.clock).toConstantValue(new SystemClock());
  container.load(applicationModule);
  // Metering decorators wrap the ports on activation; one registry per process.
  container.load(metricsModule(new Registry()));

  // Real adapters are imported only when configured: `npm start` never loads their drivers.
  if (wiring.ledger === 'memory') container.load(memoryLedgerModule());
  else {
    const { redisModule } = await import('./redis.module.ts');
    container.load(await redisModule(config, wiring.ledger, lifecycle, role, logger));
  }
  if (wiring.log === 'memory') container.load(memoryLogModule());
  else {
    const { kafkaModule } = await import('./kafka.module.ts');
    container.load(await kafkaModule(config, logger, lifecycle, role));
  }
  if (wiring.store === 'memory') container.load(memoryStoreModule());
  else {
    const { mikroOrmModule } = await import('./mikro-orm.module.ts');
    container.load(await mikroOrmModule(config, lifecycle));
  }

  logger.info({ role, wiring }, 'container ready');
  return {
    config,
    wiring,
    logger,
    container,
    lifecycle,
    healthChecks: () =>
      container.isBound(TOKENS.healthChecks) ? container.getAll(TOKENS.healthChecks) : [],
  };
}
