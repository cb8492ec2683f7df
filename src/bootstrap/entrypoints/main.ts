import { createPinoLogger } from '../../adapters/logging/pino-logger.ts';
import { ConfigError, loadConfig, type Config } from '../config.ts';
import { createRuntime, wiringFor, type Runtime } from '../wiring/container.ts';
import { startTracing } from '../runtime/tracing.ts';
import { tracingSettings, type TracingSettings } from '../tracing-settings.ts';
import { describeError, parseCli } from './cli-options.ts';

const USAGE = (role: string) => `
coupon-${role}: configured by environment variables only (README.md, "Configuration"), e.g.
PORT, HOST, ADMIN_TOKEN, LOG_LEVEL, LOG_FORMAT; REDIS_URL, KAFKA_BROKERS and DATABASE_URL
switch the ledger, the event log and the store to the real services. A bad value stops it
with one line naming the variable.

  -h, --help    this text
`;

/**
 * Shared start-up for every entrypoint: validated config (one clear line per bad variable and
 * exit 1), logger, container, signal handlers. `body` starts the role's parts.
 */
export async function runMain(
  role: string,
  body: (runtime: Runtime) => Promise<void>,
  check: (config: Config) => void = () => {},
): Promise<void> {
  parseCli({ name: `coupon-${role}`, usage: USAGE(role) });
  let config: Config;
  let tracingConfig: TracingSettings | undefined;
  try {
    config = loadConfig();
    tracingConfig = tracingSettings(process.env);
    wiringFor(config);
    check(config);
  } catch (error) {
    if (error instanceof ConfigError) {
      process.stderr.write(`${error.message}\n`);
      process.exit(1);
    }
    throw error;
  }
  // Before anything else is built: the spans of the start itself have a provider to go to.
  const tracing = await startTracing(tracingConfig, `coupon-${role}`);
  const logger = createPinoLogger(
    config.LOG_LEVEL,
    `coupon-${role}`,
    undefined,
    config.LOG_FORMAT,
    {
      traceIds: tracing.enabled,
    },
  );
  try {
    const runtime = await createRuntime(config, logger, role, { tracing });
    runtime.lifecycle.installSignalHandlers();
    await body(runtime);
  } catch (error) {
    // The reason in the message itself, so the one line a person reads first says it
    // (`listen EADDRINUSE … :3000`); the error with its stack stays in `err` for the log.
    logger.error({ err: error }, `failed to start: ${describeError(error)}${hint(error)}`);
    process.exit(1);
  }
}

/** What to do about the start-up failures a newcomer meets. */
function hint(error: unknown): string {
  const code = (error as { code?: unknown } | null)?.code;
  return code === 'EADDRINUSE' ? ' (set PORT to another port; PORT=0 picks a free one)' : '';
}
