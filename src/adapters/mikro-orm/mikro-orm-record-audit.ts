import type { MikroORM } from '@mikro-orm/mysql';
import type { RecordAudit, RecordRow } from '../../application/ports/record-audit.port.ts';
import type { CouponRepository } from '../../application/ports/coupon-repository.port.ts';
import type { CampaignId, UserId } from '../../domain/ids.ts';
import { rangeStarts } from '../../domain/sequence-ranges.ts';
import { withStoreErrors } from './map-store-error.ts';

/**
 * The durable record's side of the persistence audit, read only. Every query is a range scan of
 * the unique (campaign_id, sequence) key, so a range costs what it holds, not the campaign's size.
 */
export class MikroOrmRecordAudit implements RecordAudit {
  constructor(
    private readonly orm: MikroORM,
    private readonly coupons: CouponRepository,
  ) {}

  /** The repository's one grouped count (what the ledger check reads too). */
  counts(campaignIds: readonly CampaignId[]): Promise<ReadonlyMap<CampaignId, number>> {
    return this.coupons.countByCampaigns(campaignIds);
  }

  async countByRange(
    campaignId: CampaignId,
    from: number,
    to: number,
    size: number,
  ): Promise<number[]> {
    const counts = rangeStarts(from, to, size).map(() => 0);
    if (counts.length === 0) return counts;
    return withStoreErrors(async () => {
      // One grouped query for every range: the bucket is computed from the indexed sequence.
      const rows = await this.orm.em
        .fork()
        .execute<{ bucket: number | string; coupons: number | string }[]>(
          'select floor((`sequence` - ?) / ?) as bucket, count(*) as coupons from coupon ' +
            'where campaign_id = ? and `sequence` between ? and ? group by bucket',
          [from, size, campaignId, from, to],
          'all',
        );
      for (const row of rows) counts[Number(row.bucket)] = Number(row.coupons);
      return counts;
    });
  }

  async rowsIn(campaignId: CampaignId, from: number, to: number): Promise<RecordRow[]> {
    return withStoreErrors(async () => {
      const rows = await this.orm.em
        .fork()
        .execute<{ sequence: number | string; user_id: string }[]>(
          'select `sequence`, user_id from coupon where campaign_id = ? and `sequence` between ? and ? order by `sequence`',
          [campaignId, from, to],
          'all',
        );
      return rows.map((row) => ({ sequence: Number(row.sequence), userId: row.user_id as UserId }));
    });
  }
}
