import { Migration } from '@mikro-orm/migrations';

/**
 * The campaign report's tables (CampaignReportStore): what every API and consumer process
 * flushes once a second, added up. Written by `INSERT … ON DUPLICATE KEY UPDATE x = x + …`, so
 * several processes (and two windows labelled with one second) sum into the same row.
 *
 * - campaign_report_answer: answers per campaign, second (UTC) and outcome. The index on
 *   at_second serves the dashboard's "last minutes of every campaign".
 * - campaign_report_process: per second, which process answered how many and its peak of
 *   apply calls in flight (a peak cannot be added across processes, so it is kept per process).
 * - campaign_report_delay: grant → row delays, coupons per fixed bucket (upper bound in ms; the
 *   bounds are src/application/report/delay-buckets.ts).
 * - campaign_report_moment: one row per campaign: first and last grant, first sold-out answer,
 *   the largest delay (kept with LEAST / GREATEST).
 *
 * Every table has a foreign key to campaign, like coupon: no report for a campaign that never
 * existed. Same engine, charset and binary collation as the other tables (ids are case-sensitive).
 */
export class Migration20261210090000CreateCampaignReportTables extends Migration {
  override async up(): Promise<void> {
    const table = (name: string, body: string) =>
      this.addSql(`create table \`${name}\` (
${body},
  constraint \`${name}_campaign_id_foreign\` foreign key (\`campaign_id\`)
    references \`campaign\` (\`id\`) on update restrict on delete restrict
) engine = InnoDB default character set utf8mb4 collate utf8mb4_bin;`);

    table(
      'campaign_report_answer',
      `  \`campaign_id\` varchar(64) not null,
  \`at_second\` datetime not null,
  \`outcome\` varchar(32) not null,
  \`answers\` bigint unsigned not null,
  primary key (\`campaign_id\`, \`at_second\`, \`outcome\`),
  key \`campaign_report_answer_at_second_index\` (\`at_second\`)`,
    );
    table(
      'campaign_report_process',
      `  \`campaign_id\` varchar(64) not null,
  \`at_second\` datetime not null,
  \`process\` varchar(128) not null,
  \`answers\` bigint unsigned not null,
  \`peak_in_flight\` int unsigned not null,
  primary key (\`campaign_id\`, \`at_second\`, \`process\`)`,
    );
    table(
      'campaign_report_delay',
      `  \`campaign_id\` varchar(64) not null,
  \`le_ms\` int unsigned not null,
  \`coupons\` bigint unsigned not null,
  primary key (\`campaign_id\`, \`le_ms\`)`,
    );
    table(
      'campaign_report_moment',
      `  \`campaign_id\` varchar(64) not null,
  \`first_grant_at\` datetime(3) null,
  \`last_grant_at\` datetime(3) null,
  \`first_sold_out_at\` datetime(3) null,
  \`delay_max_ms\` int unsigned null,
  primary key (\`campaign_id\`)`,
    );
  }

  override async down(): Promise<void> {
    for (const name of ['moment', 'delay', 'process', 'answer']) {
      this.addSql(`drop table if exists \`campaign_report_${name}\`;`);
    }
  }
}
