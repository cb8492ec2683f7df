import { Migration } from '@mikro-orm/migrations';

/**
 * What operators need to steer a drop, kept durably (a rebuilt ledger gets it back from here):
 *
 * - campaign: its publication state (existing campaigns stay published: they were live), the
 *   pause, the eligibility rule and when it last changed;
 * - coupon: a revocation (when, and whether its unit went back to stock). The row is kept;
 * - campaign_allowlist: the users an allowlisted campaign lets win (millions, written in batches).
 *   No foreign key on purpose: an upload must not wait for a change that holds the campaign's
 *   row (an insert under a foreign key takes a shared lock on the parent row); the use case
 *   checks that the campaign exists;
 * - admin_audit: every admin action, append-only: who, why, what, the values before and after.
 */
export class Migration20261211090000OperatorControls extends Migration {
  override async up(): Promise<void> {
    this.addSql(`alter table \`campaign\`
  add \`state\` varchar(16) not null default 'published',
  add \`paused\` tinyint(1) not null default 0,
  add \`eligibility\` varchar(16) not null default 'anyone',
  add \`segment\` varchar(64) null,
  add \`updated_at\` datetime(3) null;`);
    this.addSql(`alter table \`coupon\`
  add \`revoked_at\` datetime(3) null,
  add \`returned\` tinyint(1) not null default 0;`);
    this.addSql(`create table \`campaign_allowlist\` (
  \`campaign_id\` varchar(64) not null,
  \`user_id\` varchar(64) not null,
  primary key (\`campaign_id\`, \`user_id\`)
) engine = InnoDB default character set utf8mb4 collate utf8mb4_bin;`);
    this.addSql(`create table \`admin_audit\` (
  \`id\` bigint unsigned not null auto_increment,
  \`at\` datetime(3) not null default current_timestamp(3),
  \`actor\` varchar(64) not null,
  \`action\` varchar(32) not null,
  \`reason\` varchar(500) null,
  \`campaign_id\` varchar(64) null,
  \`before_json\` mediumtext null,
  \`after_json\` mediumtext null,
  primary key (\`id\`),
  key \`admin_audit_campaign_id_index\` (\`campaign_id\`, \`id\`)
) engine = InnoDB default character set utf8mb4 collate utf8mb4_bin;`);
  }

  override async down(): Promise<void> {
    this.addSql('drop table if exists `admin_audit`;');
    this.addSql('drop table if exists `campaign_allowlist`;');
    this.addSql('alter table `coupon` drop column `revoked_at`, drop column `returned`;');
    this.addSql(
      'alter table `campaign` drop column `state`, drop column `paused`, drop column `eligibility`, drop column `segment`, drop column `updated_at`;',
    );
  }
}
