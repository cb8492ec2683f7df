import { Gauge, type Registry } from 'prom-client';
import { LabelledCounter, type CounterSeries } from './labelled-series.ts';

/**
 * The shuffled opening as operators see it: how many applicants each process collected for the
 * draws (`coupon_opening_applicants_total`, each applicant once: summed over processes, the size
 * of the opening batches), how many applications waited for a draw, duplicates included
 * (`coupon_opening_waits_total`), and the batch of the opening this process last collected for,
 * as the ledger counted it at that moment (`coupon_opening_batch_size`: max over the processes
 * is the opening's batch so far; with sharded stock, one sub-ledger's).
 */
/** The shuffled openings as this process saw them (what `GET /stats` and the dashboard show). */
export interface OpeningSnapshot {
  /** Applicants this process collected for draws, each once. */
  readonly applicants: number;
  /** Applications that waited for a draw, duplicates included. */
  readonly waits: number;
  /** The batch of the opening this process last collected for, as the ledger counted it. */
  readonly lastBatch: number;
}

export class OpeningMetrics {
  #lastBatch = 0;
  readonly #applicants: CounterSeries;
  readonly #waits: CounterSeries;
  readonly #batch: Gauge;

  constructor(registry: Registry) {
    this.#applicants = new LabelledCounter(
      'coupon_opening_applicants_total',
      'Applicants collected for the draw of a shuffled opening (the opening batch, each once)',
      [],
      registry,
    ).series();
    this.#waits = new LabelledCounter(
      'coupon_opening_waits_total',
      'Applications of a shuffled opening answered after its draw (a user applying twice: two)',
      [],
      registry,
    ).series();
    this.#batch = new Gauge({
      name: 'coupon_opening_batch_size',
      help: 'Applicants collected so far by the shuffled opening this process last collected for',
      registers: [registry],
    });
  }

  /** One application collected: `entered` if the applicant was new to a batch of `collected`. */
  pooled(application: { readonly entered: boolean; readonly collected: number }): void {
    this.#waits.add();
    if (application.entered) this.#applicants.add();
    this.#batch.set(application.collected);
    this.#lastBatch = application.collected;
  }

  snapshot(): OpeningSnapshot {
    return {
      applicants: this.#applicants.value,
      waits: this.#waits.value,
      lastBatch: this.#lastBatch,
    };
  }
}
