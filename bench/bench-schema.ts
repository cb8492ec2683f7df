/**
 * The bench's own tables, next to the service's (migrated) tables in the bench database.
 * Same id columns, collation and unique key as the service's `coupon`, so the lock-based and
 * INCR variants pay for the same index work per row.
 */
export const BENCH_TABLES = {
  campaign: 'bench_campaign',
  lockCoupon: 'bench_lock_coupon',
  incrCoupon: 'bench_incr_coupon',
} as const;

const couponTable = (name: string) => `create table \`${name}\` (
  \`id\` bigint unsigned not null auto_increment,
  \`campaign_id\` varchar(64) not null,
  \`user_id\` varchar(64) not null,
  \`sequence\` int not null,
  \`issued_at\` datetime(3) not null,
  primary key (\`id\`),
  unique key \`${name}_campaign_user\` (\`campaign_id\`, \`user_id\`)
) engine = InnoDB default character set utf8mb4 collate utf8mb4_bin`;

export const BENCH_DDL: readonly string[] = [
  `create table \`${BENCH_TABLES.campaign}\` (
  \`id\` varchar(64) not null,
  \`total_quantity\` int not null,
  primary key (\`id\`)
) engine = InnoDB default character set utf8mb4 collate utf8mb4_bin`,
  couponTable(BENCH_TABLES.lockCoupon),
  couponTable(BENCH_TABLES.incrCoupon),
];

/** Redis keys of the INCR variant (the service's own keys live under `coupon:`). */
export const incrKeys = (campaignId: string) => ({
  users: `bench:incr:{${campaignId}}:users`,
  count: `bench:incr:{${campaignId}}:count`,
  total: `bench:incr:{${campaignId}}:total`,
});

/**
 * Key namespace of the reference variant: the service's key layout (src/adapters/redis/redis-keys.ts)
 * under its own prefix, never in the service's campaign registry, so no relay reads its outboxes.
 */
export const REFERENCE_KEY_PREFIX = 'bench:reference:';
