import type { FailedIssuance } from '../../application/ports/failed-issuance-repository.port.ts';
import { canonicalCampaign, type Campaign } from '../../domain/campaign.ts';
import {
  COUPON_SCHEMA_VERSION,
  couponFromPrimitives,
  couponToPrimitives,
  type Coupon,
} from '../../domain/coupon.ts';
import type { CampaignId } from '../../domain/ids.ts';
import type { CampaignRecord, CouponRecord, FailedIssuanceRecord } from './entity-schemas.ts';

/*
 * Rows <-> domain values, in one place. Ids read back are cast to their branded types without
 * re-parsing: they were parsed on the way in and the columns cannot hold anything longer.
 */

export function campaignToRecord(
  campaign: Campaign,
): Omit<CampaignRecord, 'createdAt' | 'updatedAt'> {
  const eligibility = campaign.eligibility ?? { kind: 'anyone' };
  return {
    id: campaign.id,
    name: campaign.name,
    totalQuantity: campaign.totalQuantity,
    perUserLimit: campaign.perUserLimit,
    startsAt: campaign.startsAt ?? null,
    endsAt: campaign.endsAt ?? null,
    state: campaign.state ?? 'published',
    paused: campaign.paused ?? false,
    eligibility: eligibility.kind,
    segment: eligibility.kind === 'segment' ? eligibility.segment : null,
    openingShuffleMs: campaign.openingShuffleMs ?? null,
    proofOfWorkDifficulty: campaign.proofOfWorkDifficulty ?? null,
  };
}

export function campaignFromRecord(record: CampaignRecord): Campaign {
  return canonicalCampaign({
    id: record.id as CampaignId,
    name: record.name,
    totalQuantity: record.totalQuantity,
    perUserLimit: record.perUserLimit,
    // exactOptionalPropertyTypes: an absent window bound is a missing key, never `undefined`.
    ...(record.startsAt ? { startsAt: record.startsAt } : {}),
    ...(record.endsAt ? { endsAt: record.endsAt } : {}),
    state: record.state === 'draft' ? 'draft' : 'published',
    paused: Boolean(record.paused),
    eligibility:
      record.eligibility === 'segment'
        ? { kind: 'segment', segment: record.segment ?? '' }
        : record.eligibility === 'allowlist'
          ? { kind: 'allowlist' }
          : { kind: 'anyone' },
    ...(record.openingShuffleMs ? { openingShuffleMs: record.openingShuffleMs } : {}),
    ...(record.proofOfWorkDifficulty !== null && record.proofOfWorkDifficulty !== undefined
      ? { proofOfWorkDifficulty: record.proofOfWorkDifficulty }
      : {}),
  });
}

/** A coupon row read back through the coupon's codec (the same one its events use). */
export function couponFromRecord(record: CouponRecord): Coupon {
  const decoded = couponFromPrimitives({
    v: COUPON_SCHEMA_VERSION,
    campaignId: record.campaignId,
    userId: record.userId,
    sequence: record.sequence,
    issuedAt: record.issuedAt.getTime(),
    ...(record.revokedAt
      ? { revokedAt: record.revokedAt.getTime(), returned: Boolean(record.returned) }
      : {}),
  });
  if (!decoded.ok) throw new Error(`malformed coupon row ${record.campaignId}/${record.userId}`);
  return decoded.value;
}

/** A coupon's column values, in the order of the insert's columns, from its primitives. */
export function couponToColumns(
  coupon: Coupon,
): [string, string, number, string, string | null, number] {
  const { campaignId, userId, sequence, issuedAt, revokedAt, returned } =
    couponToPrimitives(coupon);
  return [
    campaignId,
    userId,
    sequence,
    toUtcDateTime(new Date(issuedAt)),
    revokedAt === undefined ? null : toUtcDateTime(new Date(revokedAt)),
    returned ? 1 : 0,
  ];
}

export function failedIssuanceFromRecord(record: FailedIssuanceRecord): FailedIssuance {
  return {
    id: record.id,
    campaignId: record.campaignId ?? undefined,
    userId: record.userId ?? undefined,
    payload: record.payload,
    error: record.error,
    attempts: record.attempts,
    createdAt: record.createdAt,
    updatedAt: record.updatedAt,
    resolvedAt: record.resolvedAt ?? undefined,
  };
}

/**
 * A JS instant as a MySQL DATETIME(3) literal in UTC ('2026-11-25 12:00:00.123'), for the raw
 * multi-row insert that bypasses the ORM's own conversion. Throws RangeError on an invalid Date,
 * which the caller treats as a poison record.
 */
export function toUtcDateTime(date: Date): string {
  return date.toISOString().slice(0, 23).replace('T', ' ');
}
