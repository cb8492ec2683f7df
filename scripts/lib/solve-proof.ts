import { solveChallenge } from 'altcha-lib/v1';
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
