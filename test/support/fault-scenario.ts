import { expect } from 'vitest';
import type { E2eProcess, E2eSystem } from './e2e-harness.ts';
import {
  BUSINESS_ANSWERS,
  converge,
  expectSound,
  judge,
  report,
  type Verdict,
} from './e2e-guarantees.ts';
import type { Probes } from './e2e-probes.ts';
import {
  fire,
  fireUntilReady,
  usersWithRepeats,
  type Answer,
  type StampedeOutcome,
} from './e2e-stampede.ts';
import { waitFor } from './e2e-wait.ts';

/**
 * The skeleton every fault test (and the plain stampede e2e) shares: the real api and consumer
 * processes on the real services, one fresh campaign, concurrent applications fired at it with a
 * fault striking mid-way, convergence, and a verdict read from MySQL and Redis themselves. A test
 * keeps only what is specific to its fault: which fault, when it strikes, what else it checks and
 * reports. Every outcome fired through the scenario is judged, so no answer a user was given can
 * be left out of the verdict by mistake.
 */

export interface ScenarioOptions {
  /** The campaign's totalQuantity (1000 unless said). */
  readonly total?: number;
  /** Extra environment of the api (LEDGER_CHECK_INTERVAL_MS, SHUTDOWN_TIMEOUT_MS…). */
  readonly apiEnv?: Record<string, string>;
}

/**
 * The fault of a burst: `run` is started once, when `after` answers came back, and not awaited
 * there (the stampede goes on meanwhile); `fire` awaits it before it returns, and fails if it never
 * struck.
 */
export interface Strike {
  readonly after: number;
  readonly run: () => Promise<unknown>;
}

export interface ShotOptions {
  /** Requests in flight at once (100 unless said). */
  readonly concurrency?: number;
  /** The api process to fire at (the scenario's own unless said: a restarted one, another mode). */
  readonly via?: E2eProcess;
  /** Called after each answer with how many came back so far. */
  readonly onAnswer?: (answered: number, answer: Answer) => void;
  readonly strike?: Strike;
}

export interface ConcludeOptions {
  /** Probes that read the campaign's ledger (a sharded layout's own); the system's unless said. */
  readonly probes?: Probes;
  /** See `expectSound`: false once the campaign ends in sharded-stock mode. */
  readonly gapFree?: boolean;
  /** The campaign ends at exactly its cap: rows === cap (true unless said). */
  readonly soldOut?: boolean;
  /**
   * Coupons the campaign may have handed out in all: its total unless said, more once revoked
   * coupons returned their units to stock (total + returned), less after a lower cap.
   */
  readonly cap?: number;
}

type Extra = Record<string, string | number>;

export class FaultScenario {
  readonly #outcomes: StampedeOutcome[] = [];

  constructor(
    readonly system: E2eSystem,
    readonly api: E2eProcess,
    readonly consumer: E2eProcess,
    readonly campaignId: string,
    readonly total: number,
  ) {}

  /** `requests` applications of `distinct` users of this campaign (each clicks twice unless said). */
  users(tag: string, requests: number, distinct = Math.ceil(requests / 2)): string[] {
    return usersWithRepeats(requests, distinct, `${this.campaignId}-${tag}`);
  }

  /** `size` users of this campaign applying once each, in random order. */
  crowd(tag: string, size: number): string[] {
    return this.users(tag, size, size);
  }

  /** A concurrent burst at the api; its outcome is judged with the others. */
  async fire(users: readonly string[], options: ShotOptions = {}): Promise<StampedeOutcome> {
    const { strike } = options;
    let struck: Promise<unknown> | undefined;
    const outcome = await fire({
      baseUrl: (options.via ?? this.api).url,
      campaignId: this.campaignId,
      users,
      concurrency: options.concurrency ?? 100,
      onAnswer: (answered, answer) => {
        if (strike && answered === strike.after) {
          struck = strike.run();
          struck.catch(() => undefined); // awaited below; not an unhandled rejection meanwhile
        }
        options.onAnswer?.(answered, answer);
      },
    });
    this.record(outcome);
    if (strike && !struck) {
      throw new Error(`the fault never struck: ${outcome.requests} answers, not ${strike.after}`);
    }
    await struck;
    return outcome;
  }

  /** `fireUntilReady` at the api: the users answered 503 are fired at again; every round is judged. */
  async fireUntilReady(
    users: readonly string[],
    options: Omit<ShotOptions, 'strike'> = {},
  ): Promise<StampedeOutcome[]> {
    const rounds = await fireUntilReady({
      baseUrl: (options.via ?? this.api).url,
      campaignId: this.campaignId,
      users,
      concurrency: options.concurrency ?? 100,
      ...(options.onAnswer ? { onAnswer: options.onAnswer } : {}),
    });
    for (const round of rounds) this.record(round);
    return rounds;
  }

  /** Answers fired some other way (single probing requests) are judged too. */
  record(outcome: StampedeOutcome): void {
    this.#outcomes.push(outcome);
  }

  /** Waits until the api's /health/ready says every dependency is back. */
  async ready(api: E2eProcess = this.api): Promise<void> {
    await waitFor('the api to be ready again', async () =>
      (await fetch(`${api.url}/health/ready`)).ok ? true : undefined,
    );
  }

  /**
   * A strike, `after` answers in, that waits until the consumer has written the campaign's first
   * rows (it is mid-stream), keeps how many there were as `rowsAtStrike`, then runs `fault`.
   */
  whileWriting(
    after: number,
    fault: () => Promise<void>,
  ): Strike & { readonly rowsAtStrike: number } {
    let rowsAtStrike = 0;
    const { system, campaignId } = this;
    return {
      after,
      get rowsAtStrike() {
        return rowsAtStrike;
      },
      async run() {
        const rows = async () => (await system.probes.rowCounts(campaignId)).rows;
        rowsAtStrike = await waitFor('the first rows', async () => (await rows()) || undefined, {
          intervalMs: 10,
          timeoutMs: 30_000,
        });
        await fault();
      },
    };
  }

  /** Everything granted reached MySQL (see `converge`). */
  async converge(probes: Probes = this.system.probes): Promise<void> {
    await converge(probes, this.campaignId);
  }

  /**
   * After convergence, every outcome fired so far judged, then G1–G4 asserted (and, unless
   * `soldOut: false`, rows === total). For a test that reports later, with figures it has yet to
   * measure; `conclude` is the usual end.
   */
  async settle(options: ConcludeOptions = {}): Promise<Verdict> {
    const verdict = await this.judge(options);
    this.expectSettled(verdict, options);
    return verdict;
  }

  /** `settle`, with the scenario's line reported before the assertions (seen even when one fails). */
  async conclude(
    name: string,
    extra: Extra | ((verdict: Verdict) => Extra),
    options: ConcludeOptions = {},
  ): Promise<Verdict> {
    const verdict = await this.judge(options);
    report(name, verdict, typeof extra === 'function' ? extra(verdict) : extra);
    this.expectSettled(verdict, options);
    return verdict;
  }

  private async judge(options: ConcludeOptions): Promise<Verdict> {
    const probes = options.probes ?? this.system.probes;
    await this.converge(probes);
    const totalQuantity = options.cap ?? this.total;
    return judge(probes, { id: this.campaignId, totalQuantity }, this.#outcomes);
  }

  private expectSettled(verdict: Verdict, options: ConcludeOptions): void {
    expectSound(verdict, options.gapFree === undefined ? {} : { gapFree: options.gapFree });
    if (options.soldOut ?? true) expect(verdict.rows).toBe(options.cap ?? this.total);
  }
}

/** Starts the api and the consumer, then creates the scenario's campaign through the admin API. */
export async function faultScenario(
  system: E2eSystem,
  options: ScenarioOptions = {},
): Promise<FaultScenario> {
  const api = await system.startApi(options.apiEnv);
  const consumer = await system.startConsumer();
  const total = options.total ?? 1000;
  const campaignId = await system.createCampaign(api, total);
  return new FaultScenario(system, api, consumer, campaignId, total);
}

/**
 * While a fault lasts the api itself stays up: every request answered, each with a business
 * answer or one of the fault's own (503 LEDGER_UNAVAILABLE…).
 */
export function expectAnsweredAmong(
  outcome: StampedeOutcome,
  faultAnswers: readonly string[],
): void {
  expect(outcome.unanswered).toBe(0);
  const allowed = [...BUSINESS_ANSWERS, ...faultAnswers];
  expect(outcome.answers.filter((a) => !allowed.includes(a.code))).toEqual([]);
}
