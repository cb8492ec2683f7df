import type { E2eSystem } from './e2e-harness.ts';
import { expectBusinessAnswers, type Verdict } from './e2e-guarantees.ts';
import { fire, merged, StampedeOutcome, type Answer } from './e2e-stampede.ts';
import { expectAnsweredAmong, faultScenario, type FaultScenario } from './fault-scenario.ts';

export interface LedgerFault {
  /** Reported as `fault=<name>`. */
  readonly name: string;
  /** Extra environment of the api (LEDGER_MIN_REPLICAS…). */
  readonly apiEnv?: Record<string, string>;
  /** Breaks the ledger's Redis; called once, mid-stampede. */
  inject(): Promise<void>;
  /** Brings it back (may be a no-op, when the fault heals by itself: a failover). */
  recover(): Promise<void>;
  /** Answers allowed while the fault lasts, besides the business answers. */
  readonly faultAnswers: readonly string[];
}

/**
 * Once the fault is in, applies as one new user every 50 ms until an answer is not a 503: how
 * long apply answered 503, measured at a steady rate from the moment of the fault (the stampede's
 * own requests end long before, as 503s come back at once). Its users are judged with the others.
 */
async function timeOutage(scenario: FaultScenario, faultAt: number): Promise<number> {
  const answers: Answer[] = [];
  const { api, campaignId } = scenario;
  try {
    for (let i = 0; Date.now() - faultAt < 120_000; i++) {
      const user = `${campaignId}-probe-${i}`;
      const [answer] = (await fire({ baseUrl: api.url, campaignId, users: [user], concurrency: 1 }))
        .answers;
      if (answer) answers.push(answer);
      if (answer && answer.status !== 503) return Date.now() - faultAt;
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  } finally {
    scenario.record(new StampedeOutcome(answers));
  }
  throw new Error('apply still answered 503 120 s after the fault');
}

export interface LedgerFaultResult {
  readonly verdict: Verdict;
  /** From the fault to the first business answer after it: how long apply answered 503. */
  readonly unavailableMs: number;
  readonly answers503: number;
}

/**
 * One ledger fault mid-stampede, judged from MySQL and Redis: the api and the consumer run on the
 * real services, 4000 applications of 2000 users (repeats model double clicks) race for 1000
 * coupons, the fault strikes after 300 answers, and every user answered 503 is retried until the
 * fenced ledger is reconciled. Nobody may be told 201 without a row, told twice, or over-issued.
 */
export async function ledgerFaultScenario(
  system: E2eSystem,
  fault: LedgerFault,
): Promise<LedgerFaultResult> {
  const scenario = await faultScenario(system, fault.apiEnv ? { apiEnv: fault.apiEnv } : {});
  let faultAt = 0;
  const during = await scenario.fire(scenario.users('u', 4000), {
    strike: {
      after: 300,
      run: () => {
        faultAt = Date.now();
        return fault.inject();
      },
    },
  });
  const probing = timeOutage(scenario, faultAt);
  await fault.recover();
  const unavailableMs = await probing;
  const answers503 = during.answers.filter((a) => a.status === 503).length;
  expectAnsweredAmong(during, fault.faultAnswers);
  await scenario.ready();
  const after = merged(await scenario.fireUntilReady(scenario.users('u', 4000)));
  expectBusinessAnswers(new StampedeOutcome(after.answers.filter((a) => a.status !== 503)));

  const verdict = await scenario.conclude(fault.name, {
    answers503,
    unavailableMs,
    notReadyAfter: after.count('LEDGER_NOT_READY'),
    answersDuring: `"${during.summary()}"`,
    answersAfter: `"${after.summary()}"`,
  });
  return { verdict, unavailableMs, answers503 };
}
