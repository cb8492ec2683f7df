import type { CampaignId } from '../../domain/ids.ts';
import type { CampaignRepository } from '../ports/campaign-repository.port.ts';
import type { CampaignReportStore, CampaignTally } from '../ports/campaign-report-store.port.ts';
import type { Logger } from '../ports/logger.port.ts';
import type { ReportTally } from './report-tally.ts';

/**
 * Tallies kept while the store cannot be written: one per campaign per second, so an hour of
 * one busy campaign. Past it the oldest are dropped (and said so): the report loses detail, the
 * service never its memory.
 */
export const MAX_PENDING_TALLIES = 3600;

/**
 * Once a second: closes the tally's window and adds it to the report store, in one write for
 * every campaign this process counted. A failed write keeps its tallies for the next tick (the
 * counts only add, so nothing is lost or counted twice by waiting); a write still running when
 * the next window closes is not doubled: the new window waits in `pending` and goes with the
 * next write. Only campaigns the catalog knows are written (after a thrown apply the id is the
 * caller's, and a report store is no place for made-up campaigns).
 */
export class FlushReportTally {
  #pending: CampaignTally[] = [];
  #writing: Promise<number> | undefined;
  #failures = 0;

  constructor(
    private readonly tally: ReportTally,
    private readonly store: CampaignReportStore,
    private readonly catalog: Pick<CampaignRepository, 'find'>,
    /** Who is writing: `host:pid`, or an instance name. */
    private readonly process: string,
    private readonly logger: Logger,
  ) {}

  /**
   * Closes the window and writes what is pending, unless a write is still running. Resolves with
   * the tallies written (0 when there was nothing, or the write failed and will be retried).
   */
  tick(): Promise<number> {
    this.#pending.push(...this.tally.take());
    const dropped = this.tally.takeDropped();
    if (dropped > 0) {
      this.logger.warn({ dropped }, 'report: answers of too many campaigns in one second dropped');
    }
    const excess = this.#pending.length - MAX_PENDING_TALLIES;
    if (excess > 0) {
      this.#pending.splice(0, excess);
      this.logger.warn({ dropped: excess }, 'report: store unreachable too long, oldest dropped');
    }
    this.#writing ??= this.write().finally(() => {
      this.#writing = undefined;
    });
    return this.#writing;
  }

  /** At shutdown: waits for the write in progress, then writes the last window. */
  async flushNow(): Promise<number> {
    await this.#writing;
    return this.tick();
  }

  private async write(): Promise<number> {
    if (this.#pending.length === 0) return 0;
    const batch = this.#pending;
    this.#pending = [];
    try {
      const known = await this.known(batch);
      if (known.length > 0) await this.store.add(this.process, known);
      if (this.#failures > 0) {
        this.logger.info({ failures: this.#failures }, 'report: store written again');
      }
      this.#failures = 0;
      return known.length;
    } catch (error) {
      // Put back in front: the next tick writes them with its own window.
      this.#pending = [...batch, ...this.#pending];
      this.#failures += 1;
      this.logger[this.#failures === 1 ? 'warn' : 'debug'](
        { err: error, failures: this.#failures, pending: this.#pending.length },
        'report: store write failed; kept for the next second',
      );
      return 0;
    }
  }

  private async known(batch: readonly CampaignTally[]): Promise<CampaignTally[]> {
    const ids = [...new Set(batch.map((tally) => tally.campaignId))];
    const found = await Promise.all(ids.map((id) => this.catalog.find(id)));
    const known = new Set<CampaignId>(ids.filter((_, i) => found[i] !== undefined));
    return batch.filter((tally) => known.has(tally.campaignId));
  }
}
