import type { CampaignId } from '../../domain/ids.ts';

/**
 * A challenge as the client receives it (the ALTCHA protocol's fields): find the number in
 * 0..maxnumber whose hash with `salt` is `challenge`, then send the solution back with it.
 */
export interface ProofChallenge {
  readonly algorithm: string;
  readonly challenge: string;
  readonly maxnumber: number;
  readonly salt: string;
  readonly signature: string;
  readonly expiresAt: Date;
}

/**
 * What one solution is worth: `valid` carries the id it is spent under (one per challenge) and
 * when it stops being accepted anyway, so a replay guard needs to remember it only until then.
 */
export type ProofCheck =
  | { readonly kind: 'valid'; readonly id: string; readonly expiresAt: Date }
  | { readonly kind: 'invalid' }
  | { readonly kind: 'expired' };

/** Issues and checks proof-of-work challenges, bound to one campaign each. */
export interface ProofOfWork {
  /** A new challenge for `campaignId`, solvable at `difficulty`, expiring after its lifetime. */
  challenge(campaignId: CampaignId, difficulty: number, now: Date): Promise<ProofChallenge>;
  /**
   * Checks a solution locally (a signature and one hash: no I/O). A solution made for another
   * campaign, or with a forged difficulty, is `invalid`.
   */
  verify(campaignId: CampaignId, solution: string, now: Date): Promise<ProofCheck>;
}

/** The solutions already accepted: each is accepted once, across every process. */
export interface SpentProofs {
  /**
   * Atomic: true for exactly one caller per `id`, however many processes ask at once. The id is
   * remembered until `until` (after which the solution is refused as expired anyway): the cost
   * is bounded by the challenges solved within one lifetime.
   */
  spend(id: string, until: Date, now: Date): Promise<boolean>;
}
