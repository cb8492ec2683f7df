import { Migration } from '@mikro-orm/migrations';

/**
 * The shuffled opening of a campaign (issue #27): its length in ms, null for none. Nullable, so
 * existing campaigns keep first come, first served and processes that do not know the column
 * still insert.
 */
export class Migration20261216090000OpeningShuffle extends Migration {
  override async up(): Promise<void> {
    this.addSql('alter table `campaign` add `opening_shuffle_ms` int null;');
  }

  override async down(): Promise<void> {
    this.addSql('alter table `campaign` drop column `opening_shuffle_ms`;');
  }
}
