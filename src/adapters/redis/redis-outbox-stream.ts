import { decodeCouponIssued, type Decoded } from '../../application/persist/coupon-issued-event.ts';
import { COUPON_SCHEMA_VERSION, couponFromPrimitives, type Coupon } from '../../domain/coupon.ts';
import type { CampaignId } from '../../domain/ids.ts';
import type { RedisConnection } from './redis-client.ts';
import { isReplyError } from './redis-errors.ts';
import { parseLedgerTag, RELAY_GROUP, type LedgerTag, type RedisKeys } from './redis-keys.ts';

/**
 * Makes a campaign visible to the relay: listed in the campaign registry, and its outbox stream
 * carrying the `relay` consumer group. Called BEFORE the campaign's rules are written (define,
 * restore), so any stream that can receive a grant is one the relay already reads. Idempotent.
 *
 * The group starts at id 0, not `$`: entries appended before the group existed (a stream recreated
 * by XADD after data loss) are still delivered instead of being skipped.
 */
export async function registerCampaign(
  redis: RedisConnection,
  keys: RedisKeys,
  tag: LedgerTag,
): Promise<void> {
  await ensureRelayGroup(redis, keys.outbox(tag));
  await redis.sadd(keys.campaigns, tag);
}

export async function ensureRelayGroup(redis: RedisConnection, stream: string): Promise<void> {
  try {
    await redis.xgroup('CREATE', stream, RELAY_GROUP, '0', 'MKSTREAM');
  } catch (error) {
    if (!isReplyError(error, 'BUSYGROUP')) throw error;
  }
}

/** One stream entry as Redis returns it: its id and its flat field/value list. */
export interface RawStreamEntry {
  readonly id: string;
  readonly fields: readonly string[];
}

const STREAM_ID = /^\d+-\d+$/;

/**
 * Entries from an XREADGROUP / XAUTOCLAIM reply. Entries whose body is nil (deleted while
 * pending, as Redis 6.2 reports them) are skipped; anything else malformed throws, because a
 * reply we cannot read is not one we may act on.
 */
export function parseStreamEntries(value: unknown): RawStreamEntry[] {
  if (!Array.isArray(value))
    throw new Error(`expected a list of stream entries, got ${typeof value}`);
  const entries: RawStreamEntry[] = [];
  for (const item of value as unknown[]) {
    if (!Array.isArray(item)) throw new Error('malformed stream entry');
    const [id, fields] = item as unknown[];
    if (typeof id !== 'string' || !STREAM_ID.test(id)) throw new Error('malformed stream entry id');
    if (fields === null || fields === undefined) continue;
    if (
      !Array.isArray(fields) ||
      !fields.every((field): field is string => typeof field === 'string')
    ) {
      throw new Error(`malformed fields of stream entry ${id}`);
    }
    entries.push({ id, fields });
  }
  return entries;
}

/**
 * The coupon of an outbox entry: its `coupon` field holds the primitives as JSON (written by
 * decide.lua), read with the domain's codec, so the entry and the event in the log are the same
 * encoding. Entries written before that (fields campaignId, userId, sequence, issuedAt in epoch
 * ms) are read as the same primitives. Returns the problem as a string when the entry is not a
 * coupon of `campaignId`.
 */
export function couponFromFields(
  campaignId: CampaignId,
  fields: readonly string[],
): Coupon | string {
  const values = new Map<string, string>();
  for (let i = 0; i + 1 < fields.length; i += 2) values.set(fields[i] ?? '', fields[i + 1] ?? '');
  const json = values.get('coupon');
  const decoded = json !== undefined ? decodeCouponIssued(json) : legacyEntry(values);
  if (!decoded.ok) return decoded.error;
  if (decoded.coupon.campaignId !== campaignId) return 'campaignId is not this stream';
  return decoded.coupon;
}

/**
 * The application's trace kept beside the coupon (decide.lua's `trace` field), or undefined when
 * the entry has none (tracing was off, or it was written before).
 */
export function traceFromFields(fields: readonly string[]): string | undefined {
  for (let i = 0; i + 1 < fields.length; i += 2) {
    if (fields[i] === 'trace') return fields[i + 1] || undefined;
  }
  return undefined;
}

/** An entry of the field-per-value form, as version 2 primitives. */
function legacyEntry(values: ReadonlyMap<string, string>): Decoded {
  const number = (name: string) => {
    const value = values.get(name);
    return value === undefined || value === '' ? undefined : Number(value);
  };
  const decoded = couponFromPrimitives({
    v: COUPON_SCHEMA_VERSION,
    campaignId: values.get('campaignId'),
    userId: values.get('userId'),
    sequence: number('sequence'),
    issuedAt: number('issuedAt'),
  });
  return decoded.ok
    ? { ok: true, coupon: decoded.value }
    : { ok: false, error: decoded.problems[0]?.message ?? 'invalid coupon' };
}

/** The outbox handle of an entry: which stream, and the id inside it (`<ledger tag>/<streamId>`). */
export function entryHandle(tag: LedgerTag, streamId: string): string {
  return `${tag}/${streamId}`;
}

export function parseEntryHandle(handle: string): { tag: LedgerTag; streamId: string } | undefined {
  const slash = handle.lastIndexOf('/');
  if (slash < 0) return undefined;
  const ledger = parseLedgerTag(handle.slice(0, slash));
  const streamId = handle.slice(slash + 1);
  if (!ledger || !STREAM_ID.test(streamId)) return undefined;
  return { tag: ledger.tag, streamId };
}
