import { Migration } from '@mikro-orm/migrations';

/**
 * The proof-of-work gate of a campaign (issue #27): its difficulty, null for no gate. Nullable,
 * so existing campaigns keep no gate and processes that do not know the column still insert.
 */
export class Migration20261215090000FairnessOptions extends Migration {
  override async up(): Promise<void> {
    this.addSql('alter table `campaign` add `proof_of_work_difficulty` int null;');
  }

  override async down(): Promise<void> {
    this.addSql('alter table `campaign` drop column `proof_of_work_difficulty`;');
  }
}
