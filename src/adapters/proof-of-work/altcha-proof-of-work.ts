import { createChallenge, extractParams, verifySolution } from 'altcha-lib/v1';
import type {
  ProofChallenge,
  ProofCheck,
  ProofOfWork,
} from '../../application/ports/proof-of-work.port.ts';
import type { CampaignId } from '../../domain/ids.ts';

const ALGORITHM = 'SHA-256';
/** A solution is base64 of a small JSON object; anything longer is not one. */
const MAX_SOLUTION_LENGTH = 1024;

interface Payload {
  algorithm: 'SHA-256';
  challenge: string;
  number: number;
  salt: string;
  signature: string;
}

/**
 * Challenges and their check by altcha-lib (the ALTCHA protocol, v1 challenges): the server
 * signs a random challenge with its HMAC key, and the campaign and the expiry ride in the signed
 * salt, so nothing is stored per challenge and any process holding the key checks a solution with
 * one HMAC and one hash. Expiry is judged against the application's clock, not altcha's.
 */
export class AltchaProofOfWork implements ProofOfWork {
  constructor(
    private readonly hmacKey: string,
    /** How long a challenge may be solved and used. */
    private readonly lifetimeMs: number,
  ) {}

  async challenge(campaignId: CampaignId, difficulty: number, now: Date): Promise<ProofChallenge> {
    const expiresAt = new Date(now.getTime() + this.lifetimeMs);
    const made = await createChallenge({
      algorithm: ALGORITHM,
      hmacKey: this.hmacKey,
      maxnumber: difficulty,
      expires: expiresAt,
      params: { campaign: campaignId },
    });
    // altcha keeps whole seconds: the expiry the solution will be judged by.
    const judgedAt = new Date(Math.floor(expiresAt.getTime() / 1000) * 1000);
    return { ...made, maxnumber: difficulty, expiresAt: judgedAt };
  }

  async verify(campaignId: CampaignId, solution: string, now: Date): Promise<ProofCheck> {
    const payload = decode(solution);
    if (!payload) return { kind: 'invalid' };
    if (!(await verifySolution(payload, this.hmacKey, false))) return { kind: 'invalid' };
    const params = extractParams(payload);
    const expires = Number(params['expires']);
    if (params['campaign'] !== campaignId || !Number.isSafeInteger(expires)) {
      return { kind: 'invalid' };
    }
    const expiresAt = new Date(expires * 1000);
    if (now.getTime() >= expiresAt.getTime()) return { kind: 'expired' };
    // One signature per challenge (its salt is random): the id the solution is spent under.
    return { kind: 'valid', id: payload.signature, expiresAt };
  }
}

function decode(solution: string): Payload | undefined {
  if (solution.length > MAX_SOLUTION_LENGTH) return undefined;
  let value: unknown;
  try {
    value = JSON.parse(Buffer.from(solution, 'base64').toString('utf8'));
  } catch {
    return undefined;
  }
  if (typeof value !== 'object' || value === null) return undefined;
  const { algorithm, challenge, number, salt, signature } = value as Record<string, unknown>;
  if (
    algorithm !== ALGORITHM ||
    typeof challenge !== 'string' ||
    typeof salt !== 'string' ||
    typeof signature !== 'string' ||
    typeof number !== 'number' ||
    !Number.isSafeInteger(number) ||
    number < 0
  ) {
    return undefined;
  }
  return { algorithm, challenge, number, salt, signature };
}
