import { Migration } from '@mikro-orm/migrations';

/**
 * The three tables of the durable store.
 *
 * - InnoDB, utf8mb4 with a BINARY collation: ids are case-sensitive (so is the ledger's Redis
 *   set), and a case-insensitive collation would make 'Ann' and 'ann' one unique key.
 * - DATETIME(3), always written in UTC (the ORM pins the session zone): events carry
 *   millisecond ISO-8601 instants and must round-trip unchanged.
 * - coupon.campaign_id is a real foreign key: an event for a campaign that does not exist is a
 *   poison record, never a row no ledger granted (G4). UNIQUE (campaign_id, user_id) is what
 *   makes `INSERT … ON DUPLICATE KEY UPDATE id = id` idempotent (G2, harmless redelivery), and
 *   it also serves as the foreign key's index.
 * - failed_issuance has no foreign key on purpose: it must accept whatever could not be stored.
 *   Its payload/error are MEDIUMTEXT so a large message can never be refused as a dead letter.
 */
export class Migration20261125090000CreateCouponTables extends Migration {
  override async up(): Promise<void> {
    this.addSql(`create table \`campaign\` (
  \`id\` varchar(64) not null,
  \`name\` varchar(200) not null,
  \`total_quantity\` int not null,
  \`per_user_limit\` int not null,
  \`starts_at\` datetime(3) null,
  \`ends_at\` datetime(3) null,
  \`created_at\` datetime(3) not null default current_timestamp(3),
  primary key (\`id\`)
) engine = InnoDB default character set utf8mb4 collate utf8mb4_bin;`);

    this.addSql(`create table \`coupon\` (
  \`id\` bigint unsigned not null auto_increment,
  \`campaign_id\` varchar(64) not null,
  \`user_id\` varchar(64) not null,
  \`sequence\` int not null,
  \`issued_at\` datetime(3) not null,
  \`persisted_at\` datetime(3) not null default current_timestamp(3),
  primary key (\`id\`),
  unique key \`coupon_campaign_user_unique\` (\`campaign_id\`, \`user_id\`),
  key \`coupon_campaign_sequence_index\` (\`campaign_id\`, \`sequence\`),
  constraint \`coupon_campaign_id_foreign\` foreign key (\`campaign_id\`)
    references \`campaign\` (\`id\`) on update restrict on delete restrict
) engine = InnoDB default character set utf8mb4 collate utf8mb4_bin;`);

    this.addSql(`create table \`failed_issuance\` (
  \`id\` bigint unsigned not null auto_increment,
  \`campaign_id\` varchar(64) null,
  \`user_id\` varchar(64) null,
  \`payload\` mediumtext not null,
  \`error\` mediumtext not null,
  \`attempts\` int not null,
  \`created_at\` datetime(3) not null,
  \`updated_at\` datetime(3) not null,
  \`resolved_at\` datetime(3) null,
  primary key (\`id\`),
  key \`failed_issuance_resolved_at_id_index\` (\`resolved_at\`, \`id\`),
  key \`failed_issuance_campaign_id_index\` (\`campaign_id\`)
) engine = InnoDB default character set utf8mb4 collate utf8mb4_bin;`);
  }

  override async down(): Promise<void> {
    this.addSql('drop table if exists `failed_issuance`;');
    this.addSql('drop table if exists `coupon`;');
    this.addSql('drop table if exists `campaign`;');
  }
}
