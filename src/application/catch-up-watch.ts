import type { Logger } from './ports/logger.port.ts';

/**
 * Says, at info, when a worker has been behind for `afterMs` (once), and when it caught up again
 * (with how long it took): what an operator wants in the log during a drop, and nothing per
 * batch. "Behind" is the caller's to judge (a full batch, a consumer lag above zero).
 */
export class CatchUpWatch {
  #since: number | undefined;
  #announced = false;

  constructor(
    private readonly worker: string,
    private readonly logger: Logger,
    private readonly afterMs = 5_000,
    private readonly now: () => number = Date.now,
  ) {}

  observe(behind: boolean, detail: Record<string, unknown> = {}): void {
    const now = this.now();
    if (behind) {
      this.#since ??= now;
      if (!this.#announced && now - this.#since >= this.afterMs) {
        this.#announced = true;
        const context = { worker: this.worker, behindForMs: now - this.#since, ...detail };
        this.logger.info(context, `${this.worker} is behind`);
      }
      return;
    }
    if (this.#announced && this.#since !== undefined) {
      const context = { worker: this.worker, tookMs: now - this.#since, ...detail };
      this.logger.info(context, `${this.worker} caught up`);
    }
    this.#since = undefined;
    this.#announced = false;
  }
}
