import { describe, expect, it } from 'vitest';
import type { CampaignRepository } from '../../src/application/ports/campaign-repository.port.ts';
import type { CouponRepository } from '../../src/application/ports/coupon-repository.port.ts';
import type { RecordAudit } from '../../src/application/ports/record-audit.port.ts';
import type { Campaign } from '../../src/domain/campaign.ts';
import { useFixture } from '../support/contract-fixture.ts';
import { CampaignMother, CouponMother, randomCampaignId } from '../support/mothers.ts';

export interface RecordAuditFixture {
  readonly records: RecordAudit;
  readonly coupons: CouponRepository;
  readonly campaigns: CampaignRepository;
  close(): Promise<void>;
}

/**
 * The durable record as the persistence audit reads it: counts per sequence range laid out the
 * same way as the ledger's, and the rows of one range. Only reads: nothing it is asked changes a row.
 */
export function describeRecordAuditContract(
  name: string,
  makeFixture: () => Promise<RecordAuditFixture>,
): void {
  describe(`RecordAudit contract: ${name}`, () => {
    const fixture = useFixture(makeFixture, 'suite');

    const givenRows = async (sequences: readonly number[]): Promise<Campaign> => {
      const campaign = CampaignMother.open();
      await fixture().campaigns.create(campaign);
      await fixture().coupons.saveAll(sequences.map((s) => CouponMother.of(campaign.id, s)));
      return campaign;
    };

    it('counts rows per range of sequences, an empty range as 0, up to `to` inclusive', async () => {
      const campaign = await givenRows([1, 2, 3, 5, 10, 11]);

      expect(await fixture().records.countByRange(campaign.id, 1, 10, 3)).toEqual([3, 1, 0, 1]);
      expect(await fixture().records.countByRange(campaign.id, 4, 11, 3)).toEqual([1, 0, 2]);
    });

    it('lists the rows of one range in sequence order, with their users', async () => {
      const campaign = await givenRows([4, 2, 7, 3]);
      const stored = await fixture().coupons.listByCampaign(campaign.id, 0, 100);

      const rows = await fixture().records.rowsIn(campaign.id, 2, 4);

      expect(rows).toEqual(
        stored
          .filter((c) => c.sequence <= 4)
          .map((c) => ({ sequence: c.sequence, userId: c.userId })),
      );
      expect(rows.map((row) => row.sequence)).toEqual([2, 3, 4]);
    });

    it('counts the rows of several campaigns in one call; a campaign without rows is absent', async () => {
      const a = await givenRows([1, 2, 3]);
      const b = await givenRows([1]);
      const none = randomCampaignId();

      const counts = await fixture().records.counts([a.id, b.id, none]);

      expect(Object.fromEntries(counts)).toEqual({ [a.id]: 3, [b.id]: 1 });
    });
  });
}
