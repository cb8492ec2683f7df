import type { CouponRepository } from '../../application/ports/coupon-repository.port.ts';
import type { RecordAudit, RecordRow } from '../../application/ports/record-audit.port.ts';
import type { CampaignId } from '../../domain/ids.ts';
import { countInRanges } from '../../domain/sequence-ranges.ts';

/** The in-memory record's side of the persistence audit, read through its repository. */
export class InMemoryRecordAudit implements RecordAudit {
  constructor(private readonly coupons: CouponRepository) {}

  counts(campaignIds: readonly CampaignId[]): Promise<ReadonlyMap<CampaignId, number>> {
    return this.coupons.countByCampaigns(campaignIds);
  }

  async countByRange(
    campaignId: CampaignId,
    from: number,
    to: number,
    size: number,
  ): Promise<number[]> {
    const rows = await this.rowsIn(campaignId, from, to);
    return countInRanges(
      rows.map((row) => row.sequence),
      from,
      to,
      size,
    );
  }

  async rowsIn(campaignId: CampaignId, from: number, to: number): Promise<RecordRow[]> {
    const coupons = await this.coupons.listByCampaign(campaignId, from - 1, to - from + 1);
    return coupons
      .filter((coupon) => coupon.sequence <= to)
      .map((coupon) => ({ sequence: coupon.sequence, userId: coupon.userId }));
  }
}
