import type { Registry } from 'prom-client';
import { LabelledCounter, type CounterSeries } from './labelled-series.ts';

/**
 * The shuffled opening as operators see it: how many applicants each process collected for the
 * draws (`coupon_opening_applicants_total`, each applicant once: summed over processes, it is the
 * size of the opening batch), and how many applications were told to wait for a draw, duplicates
 * included (`coupon_opening_waits_total`).
 */
export class OpeningMetrics {
  readonly #applicants: CounterSeries;
  readonly #waits: CounterSeries;

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
  }

  /** One application collected; `entered`: the applicant was new to the opening's batch. */
  pooled(entered: boolean): void {
    this.#waits.add();
    if (entered) this.#applicants.add();
  }

  get applicants(): number {
    return this.#applicants.value;
  }
}
