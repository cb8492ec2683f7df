import { describe, expect, it } from 'vitest';
import { AltchaProofOfWork } from '../../src/adapters/proof-of-work/altcha-proof-of-work.ts';
import type { CampaignId } from '../../src/domain/ids.ts';
import { encodeSolution, solve } from '../../scripts/lib/solve-proof.ts';

const campaign = 'pow-unit' as CampaignId;
const KEY = 'unit-test-proof-hmac-key-0123456789';

describe('AltchaProofOfWork', () => {
  const proofs = new AltchaProofOfWork(KEY, 60_000);
  const now = new Date('2027-01-01T09:00:00.000Z');

  const solved = async () => {
    const made = await proofs.challenge(campaign, 2_000, now);
    const challenge = { ...made, expiresAt: made.expiresAt.toISOString() };
    return { challenge, number: (await solve(challenge)) as number };
  };

  it('accepts a solved challenge until it expires, then calls it expired', async () => {
    const { challenge, number } = await solved();
    const solution = encodeSolution(challenge, number);
    const valid = await proofs.verify(campaign, solution, now);
    expect(valid).toEqual({
      kind: 'valid',
      id: challenge.signature,
      expiresAt: new Date('2027-01-01T09:01:00.000Z'),
    });
    const late = new Date('2027-01-01T09:01:00.000Z');
    expect(await proofs.verify(campaign, solution, late)).toEqual({ kind: 'expired' });
  });

  it('calls a wrong number, another campaign, another key or a forged expiry invalid', async () => {
    const { challenge, number } = await solved();
    const right = encodeSolution(challenge, number);
    expect(await proofs.verify(campaign, encodeSolution(challenge, number + 1), now)).toEqual({
      kind: 'invalid',
    });
    expect(await proofs.verify('other' as CampaignId, right, now)).toEqual({ kind: 'invalid' });
    const otherKey = new AltchaProofOfWork('another-proof-hmac-key-0123456789', 60_000);
    expect(await otherKey.verify(campaign, right, now)).toEqual({ kind: 'invalid' });
    const later = challenge.salt.replace(/expires=\d+/, 'expires=9999999999');
    const forged = encodeSolution({ ...challenge, salt: later }, number);
    expect(await proofs.verify(campaign, forged, now)).toEqual({ kind: 'invalid' });
    expect(await proofs.verify(campaign, '%%%', now)).toEqual({ kind: 'invalid' });
  });

  it('binds the difficulty: the number lies in 0..maxnumber', async () => {
    const made = await proofs.challenge(campaign, 1_000, now);
    expect(made.maxnumber).toBe(1_000);
    const number = await solve({ ...made, expiresAt: made.expiresAt.toISOString() });
    expect(number).not.toBeNull();
    expect(number).toBeLessThanOrEqual(1_000);
  });
});
