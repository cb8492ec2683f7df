import type { Logger } from '../../application/ports/logger.port.ts';

type Stop = () => Promise<void>;

/**
 * Remembers what was started and stops it in reverse order: the HTTP server stops accepting
 * first, then the relay flushes, then connections close. A second signal forces the exit.
 */
export class Lifecycle {
  readonly #stops: { name: string; stop: Stop }[] = [];
  #stopping: Promise<void> | undefined;

  constructor(
    private readonly logger: Logger,
    private readonly timeoutMs: number,
  ) {}

  onStop(name: string, stop: Stop): void {
    this.#stops.push({ name, stop });
  }

  stop(): Promise<void> {
    this.#stopping ??= this.runStops();
    return this.#stopping;
  }

  private async runStops(): Promise<void> {
    for (const { name, stop } of [...this.#stops].reverse()) {
      try {
        await stop();
        this.logger.debug({ component: name }, 'stopped');
      } catch (error) {
        this.logger.warn({ err: error, component: name }, 'stop failed');
      }
    }
  }

  /** SIGTERM/SIGINT: graceful stop within the timeout; a second signal exits at once. */
  installSignalHandlers(): void {
    let signals = 0;
    const onSignal = (signal: NodeJS.Signals) => {
      signals += 1;
      if (signals > 1) {
        this.logger.warn({ signal }, 'second signal: exiting now');
        process.exit(1);
      }
      this.logger.info({ signal }, 'shutting down');
      const force = setTimeout(() => {
        this.logger.error({ timeoutMs: this.timeoutMs }, 'shutdown timed out: exiting');
        process.exit(1);
      }, this.timeoutMs);
      force.unref();
      void this.stop().then(() => {
        this.logger.info({}, 'shutdown complete');
        process.exit(0);
      });
    };
    process.on('SIGTERM', onSignal);
    process.on('SIGINT', onSignal);
  }
}
