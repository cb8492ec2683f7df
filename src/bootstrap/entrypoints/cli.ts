import type { ParseArgsOptionsConfig } from 'node:util';
import { createPinoLogger } from '../../adapters/logging/pino-logger.ts';
import { ConfigError, loadConfig, requireSettings, type Config } from '../config.ts';
import { createRuntime, wiringFor, type Runtime } from '../wiring/container.ts';
import { CliFailure, parseCli, runCli, type CliSpec } from './cli-options.ts';

export interface CommandSpec<O extends ParseArgsOptionsConfig> extends CliSpec<O> {
  /** Settings the command cannot run without (each named in one line when missing). */
  readonly needs: (keyof Config)[];
  /** More checks of the settings, before any connection is opened (throw a ConfigError). */
  readonly check?: (config: Config) => void;
  /** Checks of the arguments, before the settings are read (throw a CliFailure). */
  readonly checkArgs?: (args: ReturnType<typeof parseCli<O>>) => void;
}

/**
 * Runs one operator command on the configured adapters, prints its result, exits with the
 * body's code. `--help` answers before any configuration is read; a bad variable, a service
 * that cannot be reached or any other failure is one line (the stack with `--verbose`, which
 * also shows the log of the run).
 */
export async function runCommand<O extends ParseArgsOptionsConfig>(
  spec: CommandSpec<O>,
  body: (runtime: Runtime, args: ReturnType<typeof parseCli<O>>) => Promise<number>,
): Promise<void> {
  const args = parseCli(spec);
  await runCli(spec.name, args.verbose, async () => {
    // A mistyped argument is said before anything else: no settings read, nothing connected.
    spec.checkArgs?.(args);
    let config: Config;
    try {
      config = loadConfig();
      requireSettings(config, spec.needs);
      wiringFor(config);
      spec.check?.(config);
    } catch (error) {
      if (error instanceof ConfigError) throw new CliFailure(error.message);
      throw error;
    }
    // The command prints its own result; the log is for --verbose (or an explicit LOG_LEVEL):
    // a driver retrying an unreachable broker would otherwise bury the one line that matters.
    const level = args.verbose || process.env['LOG_LEVEL'] ? config.LOG_LEVEL : 'silent';
    const logger = createPinoLogger(level, spec.name, undefined, config.LOG_FORMAT);
    const runtime = await createRuntime(config, logger, spec.name);
    try {
      return await body(runtime, args);
    } finally {
      await runtime.lifecycle.stop();
    }
  });
}
