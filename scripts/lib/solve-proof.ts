import { createHash, randomBytes } from 'node:crypto';
import { createChallenge, solveChallenge } from 'altcha-lib/v1';
import type { ServiceFetch } from './open-campaign.ts';

/** A challenge as GET /campaigns/{id}/challenge answers it. */
export interface Challenge {
  readonly algorithm: string;
  readonly challenge: string;
  readonly maxnumber: number;
  readonly salt: string;
  readonly signature: string;
  readonly expiresAt: string;
}

/** What a client sends in X-Proof-Of-Work: base64 of the ALTCHA payload's JSON. */
export function encodeSolution(challenge: Challenge, number: number): string {
  const { algorithm, challenge: hash, salt, signature } = challenge;
  const payload = { algorithm, challenge: hash, number, salt, signature };
  return Buffer.from(JSON.stringify(payload), 'utf8').toString('base64');
}

/** Solves a challenge as a client does (altcha-lib's solver, one thread); null if not found. */
export async function solve(challenge: Challenge): Promise<number | null> {
  const { promise } = solveChallenge(
    challenge.challenge,
    challenge.salt,
    challenge.algorithm,
    challenge.maxnumber,
  );
  const solution = await promise;
  return solution?.number ?? null;
}

/**
 * The same search with node:crypto's synchronous SHA-256, no WebCrypto round trip per number: what
 * a macro's native solver costs, the other end of the range from the JS solver a page runs.
 */
export function solveNatively(challenge: Challenge): number | null {
  for (let n = 0; n <= challenge.maxnumber; n++) {
    const hash = createHash('sha256').update(`${challenge.salt}${n}`).digest('hex');
    if (hash === challenge.challenge) return n;
  }
  return null;
}

/**
 * Fetches a challenge for the campaign and solves it: the X-Proof-Of-Work header of one
 * application (what the demo, the rehearsal and the benchmark send with `--pow`).
 */
export async function proofFor(fetchPath: ServiceFetch, campaignId: string): Promise<string> {
  const answer = await fetchPath(`/campaigns/${encodeURIComponent(campaignId)}/challenge`);
  if (answer.status !== 200) {
    throw new Error(
      `GET challenge of ${campaignId} answered ${answer.status}: ${await answer.text()}`,
    );
  }
  const challenge = (await answer.json()) as Challenge;
  const number = await solve(challenge);
  if (number === null) throw new Error(`the challenge of ${campaignId} has no solution`);
  return encodeSolution(challenge, number);
}

/** Solutions solved ahead of a load test, so that solving is not part of what it measures. */
export interface Presolved {
  /** One X-Proof-Of-Work header per application, in the order they were solved. */
  readonly proofs: readonly string[];
  /** How long each solve took on this machine (ms), fetching the challenge not included. */
  readonly solveMs: readonly number[];
  /** When the first (oldest) solution expires: the load must be fired before then. */
  readonly firstExpiry: Date | undefined;
}

/**
 * Fetches and solves `count` challenges of the campaign with altcha-lib's solver, `parallel` at a
 * time (its hashes run on libuv's thread pool, so a few at once use every core), calling
 * `progress` every thousand.
 */
export async function presolve(
  fetchPath: ServiceFetch,
  campaignId: string,
  count: number,
  options: { readonly parallel?: number; readonly progress?: (done: number) => void } = {},
): Promise<Presolved> {
  const proofs: string[] = new Array<string>(count);
  const solveMs: number[] = [];
  const expiries: number[] = [];
  let next = 0;
  const worker = async () => {
    for (let i = next++; i < count; i = next++) {
      const answer = await fetchPath(`/campaigns/${encodeURIComponent(campaignId)}/challenge`);
      if (answer.status !== 200) {
        throw new Error(
          `GET challenge of ${campaignId} answered ${answer.status}: ${await answer.text()}`,
        );
      }
      const challenge = (await answer.json()) as Challenge;
      expiries.push(Date.parse(challenge.expiresAt));
      const started = performance.now();
      const number = await solve(challenge);
      solveMs.push(performance.now() - started);
      if (number === null) throw new Error(`a challenge of ${campaignId} has no solution`);
      proofs[i] = encodeSolution(challenge, number);
      if (solveMs.length % 1000 === 0) options.progress?.(solveMs.length);
    }
  };
  await Promise.all(Array.from({ length: options.parallel ?? 4 }, worker));
  const first = expiries.length === 0 ? undefined : Math.min(...expiries);
  return { proofs, solveMs, firstExpiry: first === undefined ? undefined : new Date(first) };
}

/**
 * Solve times (ms) of `samples` challenges at `difficulty`, made here with altcha-lib and a
 * throwaway key: a client's cost of one application (altcha-lib's solver, as a page runs it; or
 * the native one), without a service to ask.
 */
export async function localSolveTimes(
  difficulty: number,
  samples: number,
  solver: 'altcha' | 'native' = 'altcha',
): Promise<number[]> {
  const hmacKey = randomBytes(32).toString('hex');
  const times: number[] = [];
  for (let i = 0; i < samples; i++) {
    const made = await createChallenge({ algorithm: 'SHA-256', hmacKey, maxnumber: difficulty });
    const challenge = { ...made, maxnumber: difficulty, expiresAt: '' };
    const started = performance.now();
    const number = solver === 'altcha' ? await solve(challenge) : solveNatively(challenge);
    times.push(performance.now() - started);
    if (number === null) throw new Error(`a challenge at difficulty ${difficulty} has no solution`);
  }
  return times;
}

/**
 * Solutions handed out one per application, in the order they were solved (oldest, so nearest
 * its expiry, first); none once they run out (the application then goes without one).
 */
export class ProofQueue {
  #next = 0;

  constructor(private readonly proofs: readonly string[]) {}

  next(): string | undefined {
    return this.proofs[this.#next++];
  }
}
