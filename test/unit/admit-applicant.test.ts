import { describe, expect, it } from 'vitest';
import { AdmitApplicant } from '../../src/application/admit/admit-applicant.ts';
import type { GatedCampaigns } from '../../src/application/admit/gated-campaigns.ts';
import type {
  ProofCheck,
  ProofOfWork,
  SpentProofs,
} from '../../src/application/ports/proof-of-work.port.ts';
import type { Campaign } from '../../src/domain/campaign.ts';
import type { CampaignId } from '../../src/domain/ids.ts';
import { CampaignMother } from '../support/mothers.ts';

const now = new Date('2027-01-01T00:00:00Z');

/** A gate over fakes that record what they were asked. */
function gate(campaign: Campaign | undefined, check: ProofCheck = { kind: 'invalid' }) {
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
  const admit = new AdmitApplicant(campaigns, proofs, spent, { now: () => now });
  return { admit, asked, failStore: () => (failing = true) };
}

const gated = (): Campaign => ({ ...CampaignMother.open(), proofOfWorkDifficulty: 5_000 });
const valid: ProofCheck = { kind: 'valid', id: 'sig', expiresAt: new Date(now.getTime() + 1) };

describe('AdmitApplicant', () => {
  it('refuses a missing solution without checking or spending anything', async () => {
    const campaign = gated();
    const { admit, asked } = gate(campaign, valid);
    expect(await admit.execute(campaign.id, undefined)).toEqual({ kind: 'proof-required' });
    expect(await admit.execute(campaign.id, '')).toEqual({ kind: 'proof-required' });
    expect(asked).toEqual({ verify: 0, spend: [] });
  });

  it('spends only valid solutions: an invalid or expired one costs the replay store nothing', async () => {
    const campaign = gated();
    for (const check of [{ kind: 'invalid' }, { kind: 'expired' }] as const) {
      const { admit, asked } = gate(campaign, check);
      expect(await admit.execute(campaign.id, 'x')).toEqual({ kind: `proof-${check.kind}` });
      expect(asked.spend).toEqual([]);
    }
  });

  it('admits a valid solution once, then calls it replayed', async () => {
    const campaign = gated();
    const { admit } = gate(campaign, valid);
    expect(await admit.execute(campaign.id, 'x')).toEqual({ kind: 'admitted', proven: true });
    expect(await admit.execute(campaign.id, 'x')).toEqual({ kind: 'proof-replayed' });
  });

  it('lets applications to ungated campaigns through unchecked', async () => {
    const open = CampaignMother.open();
    const { admit, asked } = gate(open, valid);
    expect(await admit.execute(open.id, undefined)).toEqual({ kind: 'admitted', proven: false });
    expect(asked.verify).toBe(0);
  });

  it('answers a campaign that cannot be granted (unknown to catalog and ledger) as unknown, unchecked', async () => {
    const { admit, asked } = gate(undefined, valid);
    expect(await admit.execute('nope' as CampaignId, 'x')).toEqual({ kind: 'unknown-campaign' });
    expect(asked).toEqual({ verify: 0, spend: [] });
  });

  it('keeps the last known gate while the catalog is unreachable; an unseen campaign fails closed', async () => {
    const campaign = gated();
    const { admit, failStore } = gate(campaign, valid);
    expect(await admit.execute(campaign.id, undefined)).toEqual({ kind: 'proof-required' });
    failStore();
    expect(await admit.execute(campaign.id, undefined)).toEqual({ kind: 'proof-required' });
    await expect(admit.execute('unseen' as CampaignId, undefined)).rejects.toThrow('store down');
  });
});
