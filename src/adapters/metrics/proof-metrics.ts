import type { Registry } from 'prom-client';
import { LabelledCounter, type CounterSeries } from './labelled-series.ts';

/** What happened to a proof of work: accepted (`solved`) or refused, by reason. */
export const PROOF_OUTCOMES = ['solved', 'required', 'invalid', 'expired', 'replayed'] as const;
export type ProofOutcome = (typeof PROOF_OUTCOMES)[number];

/** The proof-of-work gate as operators see it (the dashboard's tile, the metrics). */
export interface ProofSnapshot {
  readonly challenges: number;
  readonly outcomes: Readonly<Record<ProofOutcome, number>>;
}

/**
 * The gate's counters: challenges issued and the checks of gated applications by outcome
 * (`coupon_proof_checks_total{outcome}`). Applications to campaigns without a gate are not counted.
 */
export class ProofMetrics {
  readonly #challenges: CounterSeries;
  readonly #outcomes = new Map<ProofOutcome, CounterSeries>();

  constructor(registry: Registry) {
    this.#challenges = new LabelledCounter(
      'coupon_proof_challenges_issued_total',
      'Proof-of-work challenges handed out',
      [],
      registry,
    ).series();
    const checks = new LabelledCounter(
      'coupon_proof_checks_total',
      'Proofs of work of gated applications: solved (accepted) or refused by reason',
      ['outcome'],
      registry,
    );
    for (const outcome of PROOF_OUTCOMES) this.#outcomes.set(outcome, checks.series(outcome));
  }

  challengeIssued(): void {
    this.#challenges.add();
  }

  checked(outcome: ProofOutcome): void {
    this.#outcomes.get(outcome)?.add();
  }

  snapshot(): ProofSnapshot {
    const outcomes = Object.fromEntries(
      PROOF_OUTCOMES.map((outcome) => [outcome, this.#outcomes.get(outcome)?.value ?? 0]),
    ) as Record<ProofOutcome, number>;
    return { challenges: this.#challenges.value, outcomes };
  }
}
