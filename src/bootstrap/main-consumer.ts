import { requireSettings } from './config.ts';
import { runMain } from './main.ts';
import { startConsumer } from './workers.ts';

/** Production consumer process: Kafka consumer group → RecordIssuedCoupons → MySQL. */
await runMain(
  'consumer',
  async (runtime) => {
    await startConsumer(runtime);
    runtime.logger.info({ wiring: runtime.wiring }, 'coupon consumer running');
  },
  (config) => requireSettings(config, ['KAFKA_BROKERS', 'DATABASE_URL']),
);
