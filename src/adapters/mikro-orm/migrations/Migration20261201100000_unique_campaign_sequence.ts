import { Migration } from '@mikro-orm/migrations';

/**
 * The last line of defence against a ledger that went back in time: one sequence per campaign.
 * A ledger that lost its last grants could hand a sequence out again, to another user; with this
 * key that second coupon can never be stored next to the first one. The consumer's insert
 * refuses it loudly (see MikroOrmCouponRepository), and the record goes to failed_issuance
 * with a reason that says so, instead of being merged silently.
 * The unique key replaces the plain (campaign_id, sequence) index it covers.
 */
export class Migration20261201100000UniqueCampaignSequence extends Migration {
  override async up(): Promise<void> {
    this.addSql(
      'alter table `coupon` add unique key `coupon_campaign_sequence_unique` (`campaign_id`, `sequence`);',
    );
    this.addSql('alter table `coupon` drop index `coupon_campaign_sequence_index`;');
  }

  override async down(): Promise<void> {
    this.addSql(
      'alter table `coupon` add index `coupon_campaign_sequence_index` (`campaign_id`, `sequence`);',
    );
    this.addSql('alter table `coupon` drop index `coupon_campaign_sequence_unique`;');
  }
}
