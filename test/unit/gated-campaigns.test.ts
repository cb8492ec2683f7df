import { describe, expect, it } from 'vitest';
import { GatedCampaigns } from '../../src/application/admit/gated-campaigns.ts';
import type { CampaignRepository } from '../../src/application/ports/campaign-repository.port.ts';
import type { LedgerTally } from '../../src/application/ports/issuance-ledger.port.ts';
import type { Campaign } from '../../src/domain/campaign.ts';
import { CampaignMother } from '../support/mothers.ts';

/** A catalog that is behind, a durable store that is not, a ledger that knows what it knows. */
function lookup(options: { catalog?: Campaign; durable?: Campaign; ledgerKnows: boolean }) {
  const asked = { durable: 0, ledger: 0 };
  const repository = (campaign: Campaign | undefined, onFind = () => undefined as void) =>
    ({
      find: async () => {
        onFind();
        return campaign;
      },
    }) as unknown as CampaignRepository;
  const tally: LedgerTally = { issued: 0, revoked: 0, returned: 0 };
  const ledger = {
    tally: async () => {
      asked.ledger += 1;
      return options.ledgerKnows ? tally : undefined;
    },
  };
  const gated = new GatedCampaigns(
    repository(options.catalog),
    repository(options.durable, () => (asked.durable += 1)),
    ledger,
    { ttlMs: 60_000 },
  );
  return { gated, asked };
}

describe('GatedCampaigns', () => {
  it('answers from the catalog when it knows the campaign, asking nothing else', async () => {
    const campaign = CampaignMother.open({ proofOfWorkDifficulty: 1_000 });
    const { gated, asked } = lookup({ catalog: campaign, durable: campaign, ledgerKnows: true });
    expect(await gated.find(campaign.id)).toEqual(campaign);
    expect(asked).toEqual({ durable: 0, ledger: 0 });
  });

  it('a campaign the catalog is behind on (published elsewhere just now) is read durably, with its gate, once', async () => {
    const campaign = CampaignMother.open({ proofOfWorkDifficulty: 1_000 });
    const { gated, asked } = lookup({ durable: campaign, ledgerKnows: true });
    const found = await Promise.all([1, 2, 3].map(() => gated.find(campaign.id)));
    expect(found.map((c) => c?.proofOfWorkDifficulty)).toEqual([1_000, 1_000, 1_000]);
    expect(await gated.find(campaign.id)).toEqual(campaign);
    expect(asked.durable).toBe(1);
  });

  it('a campaign neither the catalog nor the ledger knows cannot be granted: no durable read', async () => {
    const campaign = CampaignMother.open({ proofOfWorkDifficulty: 1_000 });
    const { gated, asked } = lookup({ durable: campaign, ledgerKnows: false });
    expect(await gated.find(campaign.id)).toBeUndefined();
    expect(asked).toEqual({ durable: 0, ledger: 1 });
  });
});
