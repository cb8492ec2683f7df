import type { GrantLookup, Reservation } from '../../application/ports/issuance-ledger.port.ts';
import type { Campaign } from '../../domain/campaign.ts';

/**
 * How the ledger's values cross the wire, written once for the plain ledger and every sub-ledger
 * (both run scripts that share these arguments and replies): the rules a campaign hash holds, and
 * the replies read back. A reply the adapter cannot read is thrown, so `orUnavailable` turns it
 * into LedgerUnavailableError: an unreadable answer is never taken for one.
 */

/**
 * The campaign's rules as every defining or restoring script takes them, ARGV name, total,
 * perUser, startsAt, endsAt: each field always written, '' for an absent bound (read as "none").
 */
export function rulesOf(
  campaign: Campaign,
): [name: string, total: string, perUser: string, startsAt: string, endsAt: string] {
  return [
    campaign.name,
    String(campaign.totalQuantity),
    String(campaign.perUserLimit),
    campaign.startsAt ? String(campaign.startsAt.getTime()) : '',
    campaign.endsAt ? String(campaign.endsAt.getTime()) : '',
  ];
}

/** A count or a sequence as the ledger stores it: a non-negative safe integer. */
export function toCount(value: unknown): number {
  const count = typeof value === 'number' ? value : Number(value);
  if (!Number.isSafeInteger(count) || count < 0) {
    throw new Error(`the ledger holds a malformed count ${String(value)}`);
  }
  return count;
}

/** issued-count.lua's reply: the count, or undefined (-1) when the ledger holds no rules. */
export function issuedCountOf(reply: unknown): number | undefined {
  return reply === -1 ? undefined : toCount(reply);
}

/** A `{code, value}` reply of two integers (reserve.lua, reserve-shard.lua, find-grant.lua). */
export function codeAndValue(reply: unknown, script: string): [number, number] {
  if (Array.isArray(reply) && reply.length === 2) {
    const [code, value] = reply as unknown[];
    if (typeof code === 'number' && typeof value === 'number') return [code, value];
  }
  throw new Error(`${script} answered ${JSON.stringify(reply)}`);
}

/** The reply codes reserve.lua and reserve-shard.lua share (see the scripts' headers). */
export const ReserveReply = {
  unknownCampaign: 0,
  issued: 1,
  alreadyIssued: 2,
  notOpen: 3,
  closed: 4,
} as const;

/**
 * The refusals both reserve scripts answer alike (already issued, not open yet, closed, with the
 * instant of the bound as `value`) as a Reservation; undefined for any other code.
 */
export function refusalOf(code: number, value: number): Reservation | undefined {
  switch (code) {
    case ReserveReply.alreadyIssued:
      return { kind: 'already-issued' };
    case ReserveReply.notOpen:
      return { kind: 'not-open', opensAt: new Date(value) };
    case ReserveReply.closed:
      return { kind: 'closed', closedAt: new Date(value) };
    default:
      return undefined;
  }
}

/** Reply codes of find-grant.lua (plain ledgers and sub-ledgers alike). */
const Lookup = { unknownCampaign: 0, granted: 1, none: 2, notReady: 6 } as const;

/** find-grant.lua's `{code, value}` reply as a GrantLookup; anything else is an error. */
export function grantLookupOf(reply: unknown): GrantLookup {
  const [code, value] = codeAndValue(reply, 'find-grant.lua');
  switch (code) {
    case Lookup.granted:
      return { kind: 'granted', sequence: toCount(value) };
    case Lookup.none:
      return { kind: 'none' };
    case Lookup.unknownCampaign:
      return { kind: 'unknown-campaign' };
    case Lookup.notReady:
      return { kind: 'not-ready' };
    default:
      throw new Error(`find-grant.lua answered an unknown code ${code}`);
  }
}

/** find-coupon.lua's `{code, sequence, issuedAt}` reply: a GrantLookup with the grant's instant. */
export function couponLookupOf(reply: unknown): GrantLookup {
  const parts = Array.isArray(reply) && reply.length === 3 ? (reply as unknown[]) : [];
  const [code, sequence, issuedAt] = parts;
  if (typeof issuedAt !== 'number')
    throw new Error(`find-coupon.lua answered ${JSON.stringify(reply)}`);
  const lookup = grantLookupOf([code, sequence]);
  return lookup.kind === 'granted' && issuedAt >= 0
    ? { ...lookup, issuedAt: new Date(issuedAt) }
    : lookup;
}
