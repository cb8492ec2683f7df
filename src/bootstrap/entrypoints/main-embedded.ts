import './require-node.ts'; // first: stops an older Node with one clear line
import { announceStart } from './banner.ts';
import { runMain } from './main.ts';
import { startHttp } from '../runtime/http.ts';
import { seedDefaultCampaign } from '../runtime/seed.ts';
import {
  startConsumer,
  startLedgerCheck,
  startPersistenceAudit,
  startRelay,
} from '../runtime/workers.ts';
import { startReportFlush } from '../runtime/report-flush.ts';

/**
 * `npm start`: API + relay + consumer in ONE process, on the in-memory adapters unless
 * REDIS_URL / KAFKA_BROKERS / DATABASE_URL switch a family to its real adapter.
 */
await runMain('embedded', async (runtime) => {
  startReportFlush(runtime);
  await startConsumer(runtime);
  startRelay(runtime);
  startLedgerCheck(runtime);
  startPersistenceAudit(runtime);
  const campaignId = await seedDefaultCampaign(runtime);
  const { url } = await startHttp(runtime);
  announceStart(runtime.logger, {
    url,
    wiring: runtime.wiring,
    config: runtime.config,
    campaignId,
  });
});
