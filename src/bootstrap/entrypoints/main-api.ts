import './require-node.ts'; // first: stops an older Node with one clear line
import { requireExplicitSettings, requireLedger, requireSettings } from '../config.ts';
import { startHttp } from '../runtime/http.ts';
import { announceStart } from './banner.ts';
import { runMain } from './main.ts';
import { productionRateLimits } from '../wiring/rate-limit.ts';
import { startLedgerCheck, startPersistenceAudit, startRelay } from '../runtime/workers.ts';
import { startReportFlush } from '../runtime/report-flush.ts';

/**
 * Production API process: HTTP + outbox relay, on the real Redis, Kafka and MySQL. Unlike the
 * embedded quick start it has no AUTH_MODE default: `body` trusts whoever can reach the port to
 * name any user, which must be a decision, never an accident. Per-client rate limits default on
 * in jwt mode (productionRateLimits).
 */
await runMain(
  'api',
  async (runtime) => {
    startRelay(runtime);
    startLedgerCheck(runtime);
    startPersistenceAudit(runtime);
    startReportFlush(runtime);
    const rateLimitDefaults = productionRateLimits(runtime.config);
    const { url } = await startHttp(runtime, { rateLimitDefaults });
    announceStart(runtime.logger, { url, wiring: runtime.wiring, config: runtime.config });
  },
  (config) => {
    requireExplicitSettings(process.env, [
      {
        name: 'AUTH_MODE',
        choices: "jwt: the user is a verified token's sub; body: a trusted gateway names the user",
      },
    ]);
    requireSettings(config, ['KAFKA_BROKERS', 'DATABASE_URL']);
    requireLedger(config);
  },
);
