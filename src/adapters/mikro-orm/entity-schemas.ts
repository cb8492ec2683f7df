import { BigIntType, EntitySchema, type EntityName, type OptionalProps } from '@mikro-orm/core';

/*
 * Table mapping for the MikroORM adapter. The records below are row shapes, not the domain
 * model: the domain classes stay plain (no decorators, no ORM types) and the repositories convert
 * rows <-> domain values explicitly (see row-mapping.ts). The DDL itself is owned by the committed
 * migrations; these schemas describe the same tables so the ORM can query them, and the real test
 * suite checks that the two never drift apart.
 */

export interface CampaignRecord {
  [OptionalProps]?: 'createdAt' | 'updatedAt';
  id: string;
  name: string;
  totalQuantity: number;
  perUserLimit: number;
  startsAt: Date | null;
  endsAt: Date | null;
  /** 'draft' or 'published'. */
  state: string;
  paused: boolean;
  /** 'anyone', 'allowlist' or 'segment' (with `segment`). */
  eligibility: string;
  segment: string | null;
  /** The shuffled opening's length in ms; null: none. */
  openingShuffleMs: number | null;
  /** The proof-of-work gate's difficulty; null: no gate. */
  proofOfWorkDifficulty: number | null;
  /** Filled by the database (`current_timestamp(3)`): the Campaign port carries no clock. */
  createdAt: Date;
  updatedAt: Date | null;
}

export interface AllowlistRecord {
  campaignId: string;
  userId: string;
}

export interface AuditRecord {
  [OptionalProps]?: 'id' | 'at';
  id: string;
  at: Date;
  actor: string;
  reason: string | null;
  action: string;
  campaignId: string | null;
  beforeJson: string | null;
  afterJson: string | null;
}

export interface CouponRecord {
  [OptionalProps]?: 'id' | 'persistedAt';
  id: string;
  /** The campaign's primary key, mapped to the raw value (`mapToPk`) so rows stay flat. */
  campaignId: string;
  userId: string;
  sequence: number;
  issuedAt: Date;
  /** When the row reached the database; `issuedAt - persistedAt` is the pipeline's lag. */
  persistedAt: Date;
  revokedAt: Date | null;
  returned: boolean;
}

export interface FailedIssuanceRecord {
  [OptionalProps]?: 'id';
  id: string;
  campaignId: string | null;
  userId: string | null;
  payload: string;
  error: string;
  attempts: number;
  createdAt: Date;
  updatedAt: Date;
  resolvedAt: Date | null;
}

/** Millisecond precision everywhere: events carry ISO-8601 with milliseconds. */
const DATETIME_MS = { type: 'datetime', length: 3 } as const;

export const CampaignSchema = new EntitySchema<CampaignRecord>({
  name: 'CampaignRecord',
  tableName: 'campaign',
  properties: {
    id: { type: 'string', length: 64, primary: true },
    name: { type: 'string', length: 200 },
    totalQuantity: { type: 'integer', fieldName: 'total_quantity' },
    perUserLimit: { type: 'integer', fieldName: 'per_user_limit' },
    startsAt: { ...DATETIME_MS, fieldName: 'starts_at', nullable: true },
    endsAt: { ...DATETIME_MS, fieldName: 'ends_at', nullable: true },
    state: { type: 'string', length: 16, default: 'published' },
    paused: { type: 'boolean', default: false },
    eligibility: { type: 'string', length: 16, default: 'anyone' },
    segment: { type: 'string', length: 64, nullable: true },
    openingShuffleMs: { type: 'integer', fieldName: 'opening_shuffle_ms', nullable: true },
    proofOfWorkDifficulty: {
      type: 'integer',
      fieldName: 'proof_of_work_difficulty',
      nullable: true,
    },
    createdAt: { ...DATETIME_MS, fieldName: 'created_at', defaultRaw: 'current_timestamp(3)' },
    updatedAt: { ...DATETIME_MS, fieldName: 'updated_at', nullable: true },
  },
});

export const AllowlistSchema = new EntitySchema<AllowlistRecord>({
  name: 'AllowlistRecord',
  tableName: 'campaign_allowlist',
  properties: {
    // No relation to campaign: the table has no foreign key (see the operator-controls migration).
    campaignId: { type: 'string', length: 64, fieldName: 'campaign_id', primary: true },
    userId: { type: 'string', length: 64, fieldName: 'user_id', primary: true },
  },
});

export const AuditSchema = new EntitySchema<AuditRecord>({
  name: 'AuditRecord',
  tableName: 'admin_audit',
  properties: {
    id: { type: new BigIntType('string'), primary: true, autoincrement: true, unsigned: true },
    at: { ...DATETIME_MS, defaultRaw: 'current_timestamp(3)' },
    actor: { type: 'string', length: 64 },
    reason: { type: 'string', length: 500, nullable: true },
    action: { type: 'string', length: 32 },
    campaignId: { type: 'string', length: 64, fieldName: 'campaign_id', nullable: true },
    beforeJson: {
      type: 'text',
      columnType: 'mediumtext',
      fieldName: 'before_json',
      nullable: true,
    },
    afterJson: { type: 'text', columnType: 'mediumtext', fieldName: 'after_json', nullable: true },
  },
  indexes: [{ name: 'admin_audit_campaign_id_index', properties: ['campaignId', 'id'] }],
});

export const CouponSchema = new EntitySchema<CouponRecord>({
  name: 'CouponRecord',
  tableName: 'coupon',
  properties: {
    id: { type: new BigIntType('string'), primary: true, autoincrement: true, unsigned: true },
    // A real foreign key, not just a column: a coupon event for a campaign that does not exist
    // is then refused by the database (a genuine poison record) instead of becoming a row that
    // no ledger ever granted (guarantee G4).
    campaignId: {
      kind: 'm:1',
      // mapToPk keeps the property a plain string; MikroORM 7 types `entity` by the property's
      // type (string here), which a raw-key mapping deliberately is not: hence the cast.
      entity: () => CampaignSchema as unknown as EntityName<string>,
      mapToPk: true,
      fieldName: 'campaign_id',
      deleteRule: 'restrict',
      updateRule: 'restrict',
      // The composite unique key below starts with campaign_id and already serves the FK.
      index: false,
    },
    userId: { type: 'string', length: 64, fieldName: 'user_id' },
    sequence: { type: 'integer' },
    issuedAt: { ...DATETIME_MS, fieldName: 'issued_at' },
    persistedAt: { ...DATETIME_MS, fieldName: 'persisted_at', defaultRaw: 'current_timestamp(3)' },
    revokedAt: { ...DATETIME_MS, fieldName: 'revoked_at', nullable: true },
    returned: { type: 'boolean', default: false },
  },
  uniques: [
    { name: 'coupon_campaign_user_unique', properties: ['campaignId', 'userId'] },
    { name: 'coupon_campaign_sequence_unique', properties: ['campaignId', 'sequence'] },
  ],
});

export const FailedIssuanceSchema = new EntitySchema<FailedIssuanceRecord>({
  name: 'FailedIssuanceRecord',
  tableName: 'failed_issuance',
  properties: {
    id: { type: new BigIntType('string'), primary: true, autoincrement: true, unsigned: true },
    // Deliberately no foreign key: this table must accept whatever could NOT be stored, including
    // events for campaigns that do not exist.
    campaignId: { type: 'string', length: 64, fieldName: 'campaign_id', nullable: true },
    userId: { type: 'string', length: 64, fieldName: 'user_id', nullable: true },
    // mediumtext (16 MiB), not text (64 KiB): the dead-letter table must never refuse a record,
    // and a Kafka message may be up to 1 MiB; a refused dead letter would stall the consumer.
    payload: { type: 'text', columnType: 'mediumtext' },
    error: { type: 'text', columnType: 'mediumtext' },
    attempts: { type: 'integer' },
    createdAt: { ...DATETIME_MS, fieldName: 'created_at' },
    updatedAt: { ...DATETIME_MS, fieldName: 'updated_at' },
    resolvedAt: { ...DATETIME_MS, fieldName: 'resolved_at', nullable: true },
  },
  indexes: [
    // listOpen / countOpen: `WHERE resolved_at IS NULL ORDER BY id` is a range scan on this index.
    { name: 'failed_issuance_resolved_at_id_index', properties: ['resolvedAt', 'id'] },
    { name: 'failed_issuance_campaign_id_index', properties: ['campaignId'] },
  ],
});

export const ENTITY_SCHEMAS = [
  CampaignSchema,
  CouponSchema,
  FailedIssuanceSchema,
  AllowlistSchema,
  AuditSchema,
];
