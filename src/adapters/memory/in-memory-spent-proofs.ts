import type { SpentProofs } from '../../application/ports/proof-of-work.port.ts';

/**
 * Spent solutions in process memory (one process: the embedded mode and the fast tests). Each is
 * forgotten once its challenge expired, so memory holds at most one lifetime's solutions.
 */
export class InMemorySpentProofs implements SpentProofs {
  readonly #until = new Map<string, number>();
  #nextSweep = 0;

  spend(id: string, until: Date, now: Date): Promise<boolean> {
    const at = now.getTime();
    if (at >= this.#nextSweep) this.sweep(at);
    const known = this.#until.get(id);
    if (known !== undefined && known > at) return Promise.resolve(false);
    this.#until.set(id, until.getTime());
    return Promise.resolve(true);
  }

  private sweep(at: number): void {
    for (const [id, until] of this.#until) if (until <= at) this.#until.delete(id);
    this.#nextSweep = at + 1000;
  }
}
