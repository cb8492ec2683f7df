import { randomBytes, randomInt } from 'node:crypto';
import { createChallenge } from 'altcha-lib/v1';
import { encodeSolution } from '../scripts/lib/solve-proof.ts';
import { MIN_PROOF_OF_WORK_DIFFICULTY } from '../src/domain/campaign.ts';

/** The difficulty of the gated variant's campaigns: the cheapest gate an operator can set. */
export const BENCH_PROOF_DIFFICULTY = MIN_PROOF_OF_WORK_DIFFICULTY;
/**
 * Solutions minted per second of load: above what this stack answers on the machines it runs
 * on (about 6,000 req/s on two cores), so the load does not run out; a run that does shows 428s.
 */
const SOLUTIONS_PER_SECOND = 10_000;

/**
 * Valid, unused solutions for the gated variant, made before the load. Solving as a client does
 * would take far longer than the run (about 20 ms each with altcha-lib's solver here), and the
 * client's cost is not what the benchmark prices: the service's check is. So the bench holds the
 * service's PROOF_HMAC_KEY and makes each challenge as the service does (altcha-lib, the campaign
 * and expiry in the signed salt) with a number it picks, which is exactly what a solve would find:
 * the service checks every one with the same HMAC and hash, and spends it once.
 */
export class ProofSupply {
  readonly hmacKey = randomBytes(32).toString('hex');

  /** `PROOF_HMAC_KEY` (and a lifetime covering warm-up and run) for the service's processes. */
  get env(): Record<string, string> {
    return { PROOF_HMAC_KEY: this.hmacKey, PROOF_CHALLENGE_TTL_MS: '600000' };
  }

  /** X-Proof-Of-Work headers for `seconds` of load on `campaignId`, handed out once each. */
  async mint(campaignId: string, seconds: number): Promise<() => string | undefined> {
    const count = Math.ceil(seconds * SOLUTIONS_PER_SECOND);
    const expires = new Date(Date.now() + 600_000);
    const proofs: string[] = [];
    // In chunks: a few hundred thousand challenges at once would hold them all in flight.
    while (proofs.length < count) {
      const chunk = Math.min(1000, count - proofs.length);
      const made = await Promise.all(
        Array.from({ length: chunk }, () => this.#solution(campaignId, expires)),
      );
      proofs.push(...made);
    }
    let next = 0;
    return () => proofs[next++];
  }

  async #solution(campaignId: string, expires: Date): Promise<string> {
    const number = randomInt(BENCH_PROOF_DIFFICULTY + 1);
    const made = await createChallenge({
      algorithm: 'SHA-256',
      hmacKey: this.hmacKey,
      maxnumber: BENCH_PROOF_DIFFICULTY,
      number,
      expires,
      params: { campaign: campaignId },
    });
    return encodeSolution({ ...made, maxnumber: BENCH_PROOF_DIFFICULTY, expiresAt: '' }, number);
  }
}
