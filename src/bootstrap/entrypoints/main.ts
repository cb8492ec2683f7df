import { createPinoLogger } from '../../adapters/logging/pino-logger.ts';
import { ConfigError, loadConfig, type Config } from '../wiring/config.ts';
import { createRuntime, wiringFor, type Runtime } from '../wiring/container.ts';

/**
 * Shared start-up for every entrypoint: validated config (one clear line per bad variable and
 * exit 1), logger, container, signal handlers. `body` starts the role's parts.
 */
export async function runMain(
  role: string,
  body: (runtime: Runtime) => Promise<void>,
  check: (config: Config) => void = () => {},
): Promise<void> {
  let config: Config;
  try {
    config = loadConfig();
    wiringFor(config);
    check(config);
  } catch (error) {
    if (error instanceof ConfigError) {
      process.stderr.write(`${error.message}\n`);
      process.exit(1);
    }
    throw error;
  }
  const logger = createPinoLogger(config.LOG_LEVEL, `coupon-${role}`, undefined, config.LOG_FORMAT);
  try {
    const runtime = await createRuntime(config, logger, role);
    runtime.lifecycle.installSignalHandlers();
    await body(runtime);
  } catch (error) {
    logger.error({ err: error }, 'failed to start');
    process.exit(1);
  }
}
