import { describe, expect, it } from 'vitest';
import { AdmitApplicant } from '../../src/application/admit/admit-applicant.ts';
import type { GatedCampaigns } from '../../src/application/admit/gated-campaigns.ts';
import type {
  ProofCheck,
  ProofOfWork,
  SpentProofs,
} from '../../src/application/ports/proof-of-work.port.ts';
import type { SettledAnswer } from '../../src/application/ports/issuance-ledger.port.ts';
import type { Campaign } from '../../src/domain/campaign.ts';
import type { CampaignId, UserId } from '../../src/domain/ids.ts';
import { CampaignMother } from '../support/mothers.ts';

const now = new Date('2027-01-01T00:00:00Z');

const user = 'applicant-1' as UserId;

/**
 * A gate over fakes that record what they were asked. `settled`: what the ledger answers from
 * memory (a campaign that grants nothing more); none by default (the campaign can still grant).
 */
function gate(
  campaign: Campaign | undefined,
  check: ProofCheck = { kind: 'invalid' },
  settled?: SettledAnswer,
) {
  const asked = { verify: 0, spend: [] as string[] };
  let failing = false;
  const campaigns = {
    find: async () => {
      if (failing) throw new Error('store down');
      return campaign;
    },
  } satisfies Pick<GatedCampaigns, 'find'>;
  const proofs: ProofOfWork = {
    challenge: () => Promise.reject(new Error('not used')),
    verify: async () => {
      asked.verify += 1;
      return check;
    },
  };
  const spent: SpentProofs = {
    spend: async (id) => {
      const first = !asked.spend.includes(id);
      asked.spend.push(id);
      return first;
    },
  };
  const ledger = { settledAnswer: () => settled };
  const admit = new AdmitApplicant(campaigns, proofs, spent, { now: () => now }, ledger);
  return { admit, asked, failStore: () => (failing = true) };
}

const gated = (): Campaign => ({ ...CampaignMother.open(), proofOfWorkDifficulty: 5_000 });
const valid: ProofCheck = { kind: 'valid', id: 'sig', expiresAt: new Date(now.getTime() + 1) };

describe('AdmitApplicant', () => {
  it('refuses a missing solution without checking or spending anything', async () => {
    const campaign = gated();
    const { admit, asked } = gate(campaign, valid);
    expect(await admit.execute(campaign.id, user, undefined)).toEqual({ kind: 'proof-required' });
    expect(await admit.execute(campaign.id, user, '')).toEqual({ kind: 'proof-required' });
    expect(asked).toEqual({ verify: 0, spend: [] });
  });

  it('spends only valid solutions: an invalid or expired one costs the replay store nothing', async () => {
    const campaign = gated();
    for (const check of [{ kind: 'invalid' }, { kind: 'expired' }] as const) {
      const { admit, asked } = gate(campaign, check);
      expect(await admit.execute(campaign.id, user, 'x')).toEqual({ kind: `proof-${check.kind}` });
      expect(asked.spend).toEqual([]);
    }
  });

  it('admits a valid solution once, then calls it replayed', async () => {
    const campaign = gated();
    const { admit } = gate(campaign, valid);
    expect(await admit.execute(campaign.id, user, 'x')).toEqual({ kind: 'admitted', proven: true });
    expect(await admit.execute(campaign.id, user, 'x')).toEqual({ kind: 'proof-replayed' });
  });

  it('answers a settled campaign (sold out, closed, a winner again) before the gate: no solution checked or spent', async () => {
    const campaign = gated();
    const answers: SettledAnswer[] = [
      { kind: 'sold-out' },
      { kind: 'closed', closedAt: now },
      { kind: 'already-issued' },
    ];
    for (const answer of answers) {
      const { admit, asked } = gate(campaign, valid, answer);
      // Without a solution, with a bad one, and with a valid one: the same final answer.
      expect(await admit.execute(campaign.id, user, undefined)).toEqual({
        kind: 'settled',
        answer,
      });
      expect(await admit.execute(campaign.id, user, 'garbage')).toEqual({
        kind: 'settled',
        answer,
      });
      expect(await admit.execute(campaign.id, user, 'x')).toEqual({ kind: 'settled', answer });
      expect(asked).toEqual({ verify: 0, spend: [] });
    }
  });

  it('answers settled before reading the catalog: an unreachable store does not matter then', async () => {
    const { admit, asked, failStore } = gate(gated(), valid, { kind: 'sold-out' });
    failStore();
    const answer = await admit.execute('unseen' as CampaignId, user, undefined);
    expect(answer).toEqual({ kind: 'settled', answer: { kind: 'sold-out' } });
    expect(asked).toEqual({ verify: 0, spend: [] });
  });

  it('still demands the solution while the campaign can grant (no settled answer from the ledger)', async () => {
    const campaign = gated();
    const { admit, asked } = gate(campaign, valid, undefined);
    expect(await admit.execute(campaign.id, user, undefined)).toEqual({ kind: 'proof-required' });
    expect(await admit.execute(campaign.id, user, 'x')).toEqual({ kind: 'admitted', proven: true });
    expect(asked).toEqual({ verify: 1, spend: ['sig'] });
  });

  it('lets applications to ungated campaigns through unchecked', async () => {
    const open = CampaignMother.open();
    const { admit, asked } = gate(open, valid);
    expect(await admit.execute(open.id, user, undefined)).toEqual({
      kind: 'admitted',
      proven: false,
    });
    expect(asked.verify).toBe(0);
  });

  it('answers a campaign that cannot be granted (unknown to catalog and ledger) as unknown, unchecked', async () => {
    const { admit, asked } = gate(undefined, valid);
    expect(await admit.execute('nope' as CampaignId, user, 'x')).toEqual({
      kind: 'unknown-campaign',
    });
    expect(asked).toEqual({ verify: 0, spend: [] });
  });

  it('keeps the last known gate while the catalog is unreachable; an unseen campaign fails closed', async () => {
    const campaign = gated();
    const { admit, failStore } = gate(campaign, valid);
    expect(await admit.execute(campaign.id, user, undefined)).toEqual({ kind: 'proof-required' });
    failStore();
    expect(await admit.execute(campaign.id, user, undefined)).toEqual({ kind: 'proof-required' });
    await expect(admit.execute('unseen' as CampaignId, user, undefined)).rejects.toThrow(
      'store down',
    );
  });
});
