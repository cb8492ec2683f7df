import { createPinoLogger } from '../../adapters/logging/pino-logger.ts';
import { ConfigError, loadConfig, requireSettings, type Config } from '../wiring/config.ts';
import { createRuntime, wiringFor, type Runtime } from '../wiring/container.ts';

/** Runs one operator command on the configured adapters, prints its result, exits 0/1. */
export async function runCommand(
  name: string,
  needs: (keyof Config)[],
  body: (runtime: Runtime) => Promise<number>,
): Promise<void> {
  let exitCode = 1;
  try {
    const config = loadConfig();
    requireSettings(config, needs);
    wiringFor(config);
    const level = config.LOG_LEVEL === 'info' ? 'warn' : config.LOG_LEVEL;
    const logger = createPinoLogger(level, name, undefined, config.LOG_FORMAT);
    const runtime = await createRuntime(config, logger, name);
    try {
      exitCode = await body(runtime);
    } finally {
      await runtime.lifecycle.stop();
    }
  } catch (error) {
    process.stderr.write(
      `${name}: ${error instanceof ConfigError ? error.message : String(error)}\n`,
    );
  }
  process.exit(exitCode);
}
