export { usersWithRepeats } from '../../scripts/lib/stampede.ts';

/** One request of a stampede and what came back. */
export interface Answer {
  readonly userId: string;
  /** HTTP status, or 0 when no HTTP answer came back at all. */
  readonly status: number;
  /** ISSUED, the error code of the body (SOLD_OUT, LEDGER_UNAVAILABLE…), or the transport error's code (ECONNREFUSED…). */
  readonly code: string;
  readonly sequence?: number;
}

export interface FireOptions {
  readonly baseUrl: string;
  readonly campaignId: string;
  /** The user of each request, in firing order (repeats model users who click twice). */
  readonly users: readonly string[];
  /** Requests in flight at once. */
  readonly concurrency: number;
  /** The X-Proof-Of-Work header of each request, by index in `users` (none where undefined). */
  readonly proofs?: readonly (string | undefined)[];
  /** Called after each answer with how many came back so far: where faults are injected. */
  readonly onAnswer?: (answered: number, answer: Answer) => void;
}

/**
 * A concurrent burst of real HTTP applications that keeps every answer, per user. Unlike
 * scripts/lib/stampede.ts (which counts), the fault tests need to know WHICH users got a 201, a
 * 503 or no answer, and why a request got no answer (refused before it was accepted, or reset).
 */
export async function fire(options: FireOptions): Promise<StampedeOutcome> {
  const answers: Answer[] = [];
  const url = `${options.baseUrl}/campaigns/${options.campaignId}/issuances`;
  let next = 0;
  const worker = async () => {
    for (let i = next++; i < options.users.length; i = next++) {
      const answer = await apply(url, options.users[i]!, options.proofs?.[i]);
      answers.push(answer);
      options.onAnswer?.(answers.length, answer);
    }
  };
  await Promise.all(Array.from({ length: options.concurrency }, worker));
  return new StampedeOutcome(answers);
}

async function apply(url: string, userId: string, proof?: string): Promise<Answer> {
  let response: Response;
  try {
    response = await fetch(url, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        ...(proof === undefined ? {} : { 'x-proof-of-work': proof }),
      },
      body: JSON.stringify({ userId }),
    });
  } catch (error) {
    return { userId, status: 0, code: transportCode(error) };
  }
  const body = (await response.json().catch(() => ({}))) as {
    sequence?: number;
    error?: { code?: string };
  };
  if (response.status === 201) {
    return { userId, status: 201, code: 'ISSUED', sequence: body.sequence ?? -1 };
  }
  return { userId, status: response.status, code: body.error?.code ?? String(response.status) };
}

/** undici reports "fetch failed" with the socket error as `cause` (ECONNREFUSED, UND_ERR_SOCKET…). */
function transportCode(error: unknown): string {
  const cause = (error as { cause?: { code?: unknown } } | undefined)?.cause;
  return typeof cause?.code === 'string' ? cause.code : 'FETCH_FAILED';
}

export class StampedeOutcome {
  constructor(readonly answers: readonly Answer[]) {}

  get requests(): number {
    return this.answers.length;
  }

  /** userId → sequence of every 201 (a second 201 for one user is counted by `doubleGrants`). */
  get winners(): Map<string, number> {
    const winners = new Map<string, number>();
    for (const answer of this.answers) {
      if (answer.status === 201 && !winners.has(answer.userId)) {
        winners.set(answer.userId, answer.sequence ?? -1);
      }
    }
    return winners;
  }

  /** 201s beyond the first for the same user: G2 broken at the API. */
  get doubleGrants(): number {
    return this.count('ISSUED') - this.winners.size;
  }

  count(code: string): number {
    return this.answers.filter((answer) => answer.code === code).length;
  }

  /** Requests without any HTTP answer. */
  get unanswered(): number {
    return this.answers.filter((answer) => answer.status === 0).length;
  }

  usersAnswered(code: string): Set<string> {
    return new Set(this.answers.filter((a) => a.code === code).map((a) => a.userId));
  }

  /** e.g. `ISSUED=1000 ALREADY_ISSUED=977 SOLD_OUT=3023`, for the scenario's log line. */
  summary(): string {
    const counts = new Map<string, number>();
    for (const { code } of this.answers) counts.set(code, (counts.get(code) ?? 0) + 1);
    return [...counts].map(([code, n]) => `${code}=${n}`).join(' ');
  }
}

/**
 * Fires, then fires again at the users answered 503 (LEDGER_NOT_READY: a fenced ledger being
 * reconciled; LEDGER_UNAVAILABLE: a Redis just back, still reconnecting), until none is, at most `rounds` times with a pause in between. Every round's
 * outcome is returned, so the verdict sees every answer a user was given.
 */
export async function fireUntilReady(
  options: FireOptions & { readonly rounds?: number; readonly pauseMs?: number },
): Promise<StampedeOutcome[]> {
  const outcomes: StampedeOutcome[] = [];
  let users = options.users;
  for (let round = 0; round < (options.rounds ?? 120) && users.length > 0; round++) {
    const outcome = await fire({ ...options, users });
    outcomes.push(outcome);
    users = outcome.answers.filter((a) => a.status === 503).map((a) => a.userId);
    if (users.length > 0)
      await new Promise((resolve) => setTimeout(resolve, options.pauseMs ?? 500));
  }
  if (users.length > 0) throw new Error(`${users.length} applications still answered 503`);
  return outcomes;
}

/** Answers of several outcomes taken together (for counting and summaries). */
export function merged(outcomes: readonly StampedeOutcome[]): StampedeOutcome {
  return new StampedeOutcome(outcomes.flatMap((outcome) => outcome.answers));
}
