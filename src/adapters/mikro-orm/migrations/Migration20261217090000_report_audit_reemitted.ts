import { Migration } from '@mikro-orm/migrations';

/**
 * The campaign report's audit figure (issue 26, from the audit of issue 22): grants without a row
 * that the persistence audit re-emitted, added up over the campaign's life. Not null with a default
 * of 0, so existing reports read "none re-emitted" and processes that do not know the column still
 * write their moments.
 */
export class Migration20261217090000ReportAuditReemitted extends Migration {
  override async up(): Promise<void> {
    this.addSql(
      'alter table `campaign_report_moment` add `audit_reemitted` bigint unsigned not null default 0;',
    );
  }

  override async down(): Promise<void> {
    this.addSql('alter table `campaign_report_moment` drop column `audit_reemitted`;');
  }
}
