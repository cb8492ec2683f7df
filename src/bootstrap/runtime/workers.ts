import { WorkerLoop } from '../../application/worker-loop.ts';
import { InMemoryCouponConsumer } from '../../adapters/memory/in-memory-coupon-consumer.ts';
import { MEMORY_LOG } from '../wiring/adapters-memory.ts';
import type { Runtime } from '../wiring/container.ts';

/** The outbox relay: runs in the API process, flushes on stop. */
export function startRelay(runtime: Runtime): WorkerLoop {
  const { config, core, logger, lifecycle } = runtime;
  const relay = core.relayIssuedCoupons;
  const loop = new WorkerLoop(
    'relay',
    () => relay.relayBatch(config.RELAY_BATCH_SIZE, config.RELAY_WAIT_MS),
    // Capped at 1 s: a failed publish to a broker that is down is a refused connect (cheap), and
    // the cap bounds how long after Kafka's return the outbox starts to drain (issue 12: < 5 s).
    { idleDelayMs: 0, minBackoffMs: 100, maxBackoffMs: 1000, fullBatch: config.RELAY_BATCH_SIZE },
    logger,
  );
  loop.start();
  lifecycle.onStop('relay', () => loop.stop(config.SHUTDOWN_TIMEOUT_MS / 2));
  return loop;
}

/** The consumer: Kafka's consumer group in production, the in-memory log when embedded. */
export async function startConsumer(runtime: Runtime): Promise<void> {
  const { config, container, core, logger, lifecycle } = runtime;
  const record = core.recordIssuedCoupons;
  if (runtime.wiring.log === 'memory') {
    const consumer = new InMemoryCouponConsumer(container.get(MEMORY_LOG), record);
    const loop = new WorkerLoop(
      'consumer',
      () => consumer.step(),
      { idleDelayMs: 20, minBackoffMs: 100, maxBackoffMs: 5000 },
      logger,
    );
    loop.start();
    lifecycle.onStop('consumer', () => loop.stop(config.SHUTDOWN_TIMEOUT_MS / 2));
    return;
  }
  const { startKafkaConsumer } = await import('./kafka-consumer.ts');
  await startKafkaConsumer(runtime, record);
}

/**
 * The API process's periodic ledger check (CheckLedgers) and its background reconciler: a
 * ledger found behind the durable record is fenced and reconciled, with no operator.
 */
export function startLedgerCheck(runtime: Runtime): void {
  const { config, core, logger, lifecycle } = runtime;
  const check = core.checkLedgers;
  const timer = setInterval(() => {
    check.run().catch((error: unknown) => logger.warn({ err: error }, 'ledger check failed'));
  }, config.LEDGER_CHECK_INTERVAL_MS);
  timer.unref();
  lifecycle.onStop('ledger-check', async () => clearInterval(timer));
}

/**
 * The API process's persistence audit (issue 22), on the ledger check's pattern: every
 * AUDIT_INTERVAL_MS, one bounded cycle (AuditPersistence). A cycle still running when the next is
 * due is not doubled: the next one starts after it. Across processes, the audit's lease lets one
 * process audit a campaign at a time. Its figures are shown by the API's /metrics and
 * /health/ready (buildHttpApp).
 */
export function startPersistenceAudit(runtime: Runtime): void {
  const { config, logger, lifecycle, persistenceAudit } = runtime;
  let running: Promise<unknown> | undefined;
  const timer = setInterval(() => {
    if (running) return;
    running = persistenceAudit
      .run()
      .catch((error: unknown) => logger.warn({ err: error }, 'persistence audit failed'))
      .finally(() => {
        running = undefined;
      });
  }, config.AUDIT_INTERVAL_MS);
  timer.unref();
  lifecycle.onStop('persistence-audit', async () => {
    clearInterval(timer);
    await running;
  });
}
