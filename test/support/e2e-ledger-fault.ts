import { expect } from 'vitest';
import type { E2eSystem } from './e2e-harness.ts';
import {
  BUSINESS_ANSWERS,
  converge,
  expectBusinessAnswers,
  expectSound,
  judge,
  report,
  type Verdict,
} from './e2e-guarantees.ts';
import {
  fire,
  fireUntilReady,
  merged,
  StampedeOutcome,
  usersWithRepeats,
  type Answer,
} from './e2e-stampede.ts';
import { waitFor } from './e2e-wait.ts';

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
async function timeOutage(
  baseUrl: string,
  campaignId: string,
  faultAt: number,
): Promise<{ outcome: StampedeOutcome; unavailableMs: number }> {
  const answers: Answer[] = [];
  for (let i = 0; Date.now() - faultAt < 120_000; i++) {
    const user = `${campaignId}-probe-${i}`;
    const [answer] = (await fire({ baseUrl, campaignId, users: [user], concurrency: 1 })).answers;
    if (answer) answers.push(answer);
    if (answer && answer.status !== 503) {
      return { outcome: new StampedeOutcome(answers), unavailableMs: Date.now() - faultAt };
    }
    await new Promise((resolve) => setTimeout(resolve, 50));
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
  const api = await system.startApi(fault.apiEnv);
  await system.startConsumer();
  const total = 1000;
  const campaignId = await system.createCampaign(api, total);
  const users = (n: number) => usersWithRepeats(n, 2000, `${campaignId}-u`);

  let injected: Promise<void> | undefined;
  let faultAt = 0;
  const during = await fire({
    baseUrl: api.url,
    campaignId,
    users: users(4000),
    concurrency: 100,
    onAnswer: (answered) => {
      if (answered !== 300) return;
      faultAt = Date.now();
      injected = fault.inject();
    },
  });
  await injected;
  const probing = timeOutage(api.url, campaignId, faultAt);
  await fault.recover();
  const probed = await probing;
  const answers503 = during.answers.filter((a) => a.status === 503).length;
  expect(during.unanswered).toBe(0); // the API itself stayed up and answered everything
  const allowed = [...BUSINESS_ANSWERS, ...fault.faultAnswers];
  expect(during.answers.filter((a) => !allowed.includes(a.code))).toEqual([]);
  await waitFor('the api to be ready again', async () =>
    (await fetch(`${api.url}/health/ready`)).ok ? true : undefined,
  );
  const rounds = await fireUntilReady({
    baseUrl: api.url,
    campaignId,
    users: users(4000),
    concurrency: 100,
  });
  const after = merged(rounds);
  expectBusinessAnswers(new StampedeOutcome(after.answers.filter((a) => a.status !== 503)));
  await converge(system.probes, campaignId);

  const verdict = await judge(system.probes, { id: campaignId, totalQuantity: total }, [
    during,
    ...rounds,
    probed.outcome,
  ]);
  const { unavailableMs } = probed;
  report(fault.name, verdict, {
    answers503,
    unavailableMs,
    notReadyAfter: after.count('LEDGER_NOT_READY'),
    answersDuring: `"${during.summary()}"`,
    answersAfter: `"${after.summary()}"`,
  });
  expectSound(verdict);
  expect(verdict.rows).toBe(total);
  return { verdict, unavailableMs, answers503 };
}
