import { CatchUpWatch } from './catch-up-watch.ts';
import type { Logger } from './ports/logger.port.ts';

export interface WorkerLoopOptions {
  /** Pause after a step that found nothing to do (the step itself may also wait). */
  readonly idleDelayMs: number;
  /** First pause after a failure; doubles on each consecutive failure up to `maxBackoffMs`. */
  readonly minBackoffMs: number;
  readonly maxBackoffMs: number;
  /**
   * A step that did this much is a full batch: the worker is behind. Said at info once it has
   * been for a while, and again once it caught up (CatchUpWatch); never said when absent.
   */
  readonly fullBatch?: number;
}

/**
 * Runs `step` again and again in the background until stopped. A failing step is retried with
 * bounded exponential backoff (never a busy loop, never a crash). `stop()` lets the current step
 * finish, then keeps stepping until there is no work left or `drainMs` passed: a relay flushes
 * its outbox before the process exits.
 */
export class WorkerLoop {
  #running = false;
  #loop: Promise<void> | undefined;
  #wake: (() => void) | undefined;
  #failures = 0;
  readonly #watch: CatchUpWatch;

  constructor(
    private readonly name: string,
    private readonly step: () => Promise<number>,
    private readonly options: WorkerLoopOptions,
    private readonly logger: Logger,
  ) {
    this.#watch = new CatchUpWatch(name, logger);
  }

  start(): void {
    if (this.#running) return;
    this.#running = true;
    this.#loop = this.run();
  }

  async stop(drainMs = 5000): Promise<void> {
    if (!this.#running) return;
    this.#running = false;
    this.#wake?.();
    await this.#loop;
    const deadline = Date.now() + drainMs;
    while (Date.now() < deadline) {
      try {
        if ((await this.step()) === 0) return;
      } catch (error) {
        this.logger.warn({ err: error, worker: this.name }, 'drain step failed; giving up drain');
        return;
      }
    }
  }

  private async run(): Promise<void> {
    while (this.#running) {
      let pause = 0;
      try {
        const done = await this.step();
        if (this.#failures > 0) this.logger.info({ worker: this.name }, 'worker recovered');
        this.#failures = 0;
        if (this.options.fullBatch) this.#watch.observe(done >= this.options.fullBatch);
        if (done === 0) pause = this.options.idleDelayMs;
      } catch (error) {
        this.#failures += 1;
        pause = Math.min(
          this.options.maxBackoffMs,
          this.options.minBackoffMs * 2 ** Math.min(this.#failures - 1, 20),
        );
        const log = this.#failures === 1 ? 'warn' : 'debug';
        this.logger[log](
          { err: error, worker: this.name, failures: this.#failures, retryInMs: pause },
          'worker step failed',
        );
      }
      if (pause > 0 && this.#running) await this.sleep(pause);
      // Yield to the event loop even when there is more work: a step that finds work without
      // real I/O (the in-memory adapters) must not starve timers and sockets.
      else await new Promise((resolve) => setImmediate(resolve));
    }
  }

  private sleep(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const timer = setTimeout(resolve, ms);
      this.#wake = () => {
        clearTimeout(timer);
        resolve();
      };
    });
  }
}
