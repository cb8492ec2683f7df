import 'reflect-metadata';
import { Container } from 'inversify';
import { Registry } from 'prom-client';
import type { HealthCheck } from '../../application/ports/health-check.port.ts';
import type { Logger } from '../../application/ports/logger.port.ts';
import { CouponMetrics } from '../../adapters/metrics/coupon-metrics.ts';
import { AltchaProofOfWork } from '../../adapters/proof-of-work/altcha-proof-of-work.ts';
import { SystemClock } from '../../adapters/system/system-clock.ts';
import { memoryLedger, memoryLog, memoryStore } from './adapters-memory.ts';
import { DEVELOPMENT_PROOF_HMAC_KEY, type Config } from '../config.ts';
import { TRACING_OFF, type Tracing } from '../runtime/tracing.ts';
import { composeAudit } from './audit.ts';
import { composeCore, type Core } from './core.ts';
import type { AuditPersistence } from '../../application/audit/audit-persistence.ts';
import { Lifecycle } from '../runtime/lifecycle.ts';
import { HEALTH_CHECKS, PORTS, resolvePorts, type Ports } from './ports.ts';

/** Which adapter serves each family of ports; chosen by which variables are set. */
export interface Wiring {
  readonly ledger: 'memory' | 'redis' | 'redis-cluster' | 'redis-sentinel';
  readonly log: 'memory' | 'kafka';
  readonly store: 'memory' | 'mysql';
}

/** Which adapters to use (the configuration refuses two ways to the ledger's Redis). */
export function wiringFor(config: Config): Wiring {
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
  readonly lifecycle: Lifecycle;
  /** The process's adapter bindings: the ports, and a family's own extras (its Kafka client). */
  readonly container: Container;
  readonly ports: Ports;
  /** The use cases, composed once over the ports (core.ts). */
  readonly core: Core;
  /** The process's metrics, on its own registry (never prom-client's global one). */
  readonly metrics: CouponMetrics;
  /** Whether spans are recorded (OTEL_* variables, docs/operations.md). */
  readonly tracing: boolean;
  /** The persistence audit (issue 22): run periodically by the API, on demand by `npm run audit`. */
  readonly persistenceAudit: AuditPersistence;
  healthChecks(): HealthCheck[];
}

export interface RuntimeOptions {
  /** Node process metrics (CPU, memory, event loop, GC) on the registry; on by default. */
  readonly processMetrics?: boolean;
  /** The process's tracing (startTracing); off when omitted. Flushed last at shutdown. */
  readonly tracing?: Tracing;
}

/**
 * The composition root of one process: the adapters its configuration names, one module per
 * family (memory, Redis, Kafka, MySQL), bound to the ports; then the core composed over them
 * (core.ts). The API, the consumer, the embedded mode and the commands share it. Connections are
 * opened here (fail fast at boot) and closed by the lifecycle in reverse order.
 */
export async function createRuntime(
  config: Config,
  logger: Logger,
  role: string,
  options: RuntimeOptions = {},
): Promise<Runtime> {
  const container = new Container({ defaultScope: 'Singleton' });
  const lifecycle = new Lifecycle(logger, config.SHUTDOWN_TIMEOUT_MS);
  const wiring = wiringFor(config);
  const tracing = options.tracing ?? TRACING_OFF;
  // First registered, last stopped: the spans of the shutdown itself are exported too.
  lifecycle.onStop('tracing', () => tracing.shutdown());
  container.bind(PORTS.logger).toConstantValue(logger);
  container.bind(PORTS.clock).toConstantValue(new SystemClock());
  // Real adapters are imported only when configured: `npm start` never loads their drivers.
  if (wiring.ledger === 'memory') container.load(memoryLedger());
  else {
    const { redisLedger } = await import('./adapters-redis.ts');
    container.load(await redisLedger(config, lifecycle, role, logger));
  }
  if (wiring.log === 'memory') container.load(memoryLog());
  else {
    const { kafkaLog } = await import('./adapters-kafka.ts');
    container.load(await kafkaLog(config, logger, lifecycle, role));
  }
  if (wiring.store === 'memory') container.load(memoryStore());
  else {
    const { mysqlStore } = await import('./adapters-mysql.ts');
    container.load(await mysqlStore(config, lifecycle));
  }

  const ports = resolvePorts(container);
  const metrics = new CouponMetrics(new Registry(), {
    processMetrics: options.processMetrics ?? true,
  });
  const proofOfWork = new AltchaProofOfWork(
    config.PROOF_HMAC_KEY ?? DEVELOPMENT_PROOF_HMAC_KEY,
    config.PROOF_CHALLENGE_TTL_MS,
  );
  const core = composeCore(
    ports,
    metrics,
    { counters: config.REPORT_COUNTERS === 'on' },
    tracing.enabled ? { topic: config.KAFKA_TOPIC } : undefined,
    proofOfWork,
  );
  lifecycle.onStop('reconciler', async () => core.reconciler.stop());
  logger.info({ role, wiring }, 'container ready');
  return {
    config,
    wiring,
    logger,
    lifecycle,
    container,
    ports,
    core,
    metrics,
    tracing: tracing.enabled,
    persistenceAudit: composeAudit(ports, config, role, core.reemissions),
    healthChecks: () => (container.isBound(HEALTH_CHECKS) ? container.getAll(HEALTH_CHECKS) : []),
  };
}
