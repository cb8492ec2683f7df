import type { Refusal } from '../../application/admit/admit-applicant.ts';
import type { CampaignId, UserId } from '../../domain/ids.ts';
import { errorBody } from './error-body.ts';

/** Where an application carries its proof of work. */
export const PROOF_HEADER = 'x-proof-of-work';

/**
 * The proof-of-work gate's refusals, each with its stable code, in the apply error shape. 428
 * (Precondition Required) tells a client that never heard of the gate what to do; the others are
 * 403: this solution will never be accepted, a new challenge will.
 */
const REFUSALS = {
  'proof-required': {
    status: 428,
    code: 'PROOF_REQUIRED',
    message: 'this campaign needs a proof of work: solve GET …/challenge, send X-Proof-Of-Work',
  },
  'proof-invalid': {
    status: 403,
    code: 'PROOF_INVALID',
    message: 'the proof of work is malformed, wrong, or made for another campaign',
  },
  'proof-expired': {
    status: 403,
    code: 'PROOF_EXPIRED',
    message: 'the challenge of this proof of work expired: fetch a new one',
  },
  'proof-replayed': {
    status: 403,
    code: 'PROOF_REPLAYED',
    message: 'this proof of work was already used: each solution is accepted once',
  },
} as const satisfies Record<Refusal['kind'], { status: 403 | 428; code: string; message: string }>;

export function admissionRefusal(campaignId: CampaignId, userId: UserId, refusal: Refusal) {
  const { status, code, message } = REFUSALS[refusal.kind];
  return { status, body: { status: code, campaignId, userId, ...errorBody(code, message) } };
}
