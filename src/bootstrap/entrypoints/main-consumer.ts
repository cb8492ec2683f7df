import './require-node.ts'; // first: stops an older Node with one clear line
import { requireLedger, requireSettings } from '../config.ts';
import { startMetricsServer } from '../runtime/http.ts';
import { runMain } from './main.ts';
import { startConsumer } from '../runtime/workers.ts';
import { startReportFlush } from '../runtime/report-flush.ts';

/** Production consumer process: Kafka consumer group → RecordIssuedCoupons → MySQL (+ marks on Redis). */
await runMain(
  'consumer',
  async (runtime) => {
    startReportFlush(runtime);
    await startConsumer(runtime);
    const ops = await startMetricsServer(runtime);
    runtime.logger.info(
      { wiring: runtime.wiring, metrics: `${ops.url}/metrics` },
      'coupon consumer running',
    );
  },
  (config) => {
    requireSettings(config, ['KAFKA_BROKERS', 'DATABASE_URL']);
    // It marks each persisted coupon on the ledger's Redis, where the API's reads find it.
    requireLedger(config);
  },
);
