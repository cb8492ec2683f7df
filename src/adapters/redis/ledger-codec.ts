import type { GrantLookup, Reservation } from '../../application/ports/issuance-ledger.port.ts';
import type { Campaign, CampaignRules } from '../../domain/campaign.ts';

/**
 * How the ledger's values cross the wire, written once for the plain ledger and every sub-ledger
 * (both run scripts that share these arguments and replies): the rules a campaign hash holds, and
 * the replies read back. A reply the adapter cannot read is thrown, so `orUnavailable` turns it
 * into LedgerUnavailableError: an unreadable answer is never taken for one.
 */

/**
 * The campaign's rules as every defining or restoring script takes them (campaign-rules.lua
 * writes each field into the rules hash as it comes): the ONE list of the fields, each always
 * written, '' for an absent bound. A new rule is a field here and in the script that decides on
 * it; its change renews the rules' version stamp like any other.
 */
export function encodeRules(campaign: Campaign): string {
  const rules: Record<RuleField, string> = {
    name: campaign.name,
    total: String(campaign.totalQuantity),
    perUser: String(campaign.perUserLimit),
    startsAt: campaign.startsAt ? String(campaign.startsAt.getTime()) : '',
    endsAt: campaign.endsAt ? String(campaign.endsAt.getTime()) : '',
  };
  return JSON.stringify(rules);
}

type RuleField = 'name' | 'total' | 'perUser' | 'startsAt' | 'endsAt';

/** A rules hash as stored (HGETALL's field/value list) read back as the rules it decides by. */
export function decodeRules(flat: readonly unknown[]): CampaignRules {
  const hash = new Map<string, string>();
  for (let i = 0; i + 1 < flat.length; i += 2) hash.set(String(flat[i]), String(flat[i + 1]));
  const bound = (field: RuleField) => {
    const value = hash.get(field);
    return value === undefined || value === '' ? undefined : new Date(toCount(value));
  };
  const startsAt = bound('startsAt');
  const endsAt = bound('endsAt');
  return {
    totalQuantity: toCount(hash.get('total')),
    perUserLimit: toCount(hash.get('perUser') ?? '1'),
    ...(startsAt ? { startsAt } : {}),
    ...(endsAt ? { endsAt } : {}),
  };
}

/** A count or a sequence as the ledger stores it: a non-negative safe integer. */
export function toCount(value: unknown): number {
  const count = typeof value === 'number' ? value : Number(value);
  if (!Number.isSafeInteger(count) || count < 0) {
    throw new Error(`the ledger holds a malformed count ${String(value)}`);
  }
  return count;
}

/**
 * issued-count.lua's reply: the count, undefined (nil) when the ledger holds no rules, or
 * 'held-elsewhere' (a plain ledger's keys asked of a campaign laid out in sub-ledgers).
 */
export function issuedCountOf(reply: unknown): number | undefined | 'held-elsewhere' {
  if (reply === null) return undefined;
  return reply === 'held-elsewhere' ? reply : toCount(reply);
}

/**
 * What a deciding script answers (reserve.lua, sharded/reserve-shard.lua): the decision's kind as
 * the domain names it, with its value, plus what only a sub-ledger can say.
 */
export type ScriptDecision =
  | { readonly kind: 'issued'; readonly sequence: number }
  | Exclude<Reservation, { kind: 'issued' }>
  /** A sub-ledger's quota is used up; stock may remain in another (the caller rebalances). */
  | { readonly kind: 'exhausted' }
  /** The caller routed with a stale number of sub-ledgers: `shards` is the campaign's. */
  | { readonly kind: 'stale-layout'; readonly shards: number }
  /** The transfer to credit belongs to another epoch: nothing was credited or decided. */
  | { readonly kind: 'other-epoch' }
  /** The plain keys asked of a campaign laid out in sub-ledgers: ask those instead. */
  | HeldElsewhere;

/** What a plain script answers for a campaign it does not hold because sub-ledgers do. */
export interface HeldElsewhere {
  readonly kind: 'held-elsewhere';
}

/**
 * The ONE reader of a deciding script's `{kind, value}` reply. A reply it cannot read is thrown
 * (and becomes LedgerUnavailableError): an unreadable answer is never taken for one.
 */
export function decisionOf(reply: unknown, script: string): ScriptDecision {
  const [kind, value] = Array.isArray(reply) ? (reply as unknown[]) : [];
  switch (kind) {
    case 'issued':
      return { kind, sequence: toCount(value) };
    case 'not-open':
      return { kind, opensAt: instant(value, script) };
    case 'closed':
      return { kind, closedAt: instant(value, script) };
    case 'stale-layout':
      return { kind, shards: toCount(value) };
    case 'already-issued':
    case 'sold-out':
    case 'unknown-campaign':
    case 'not-ready':
    case 'exhausted':
    case 'other-epoch':
    case 'held-elsewhere':
      return { kind };
    default:
      throw new Error(`${script} answered ${JSON.stringify(reply)}`);
  }
}

/** find-grant.lua's and find-coupon.lua's reply: `{kind, sequence, issuedAt?}`. */
export function lookupOf(reply: unknown): GrantLookup | HeldElsewhere {
  const [kind, sequence, issuedAt] = Array.isArray(reply) ? (reply as unknown[]) : [];
  switch (kind) {
    case 'granted':
      return issuedAt === undefined || issuedAt === null
        ? { kind, sequence: toCount(sequence) }
        : { kind, sequence: toCount(sequence), issuedAt: new Date(toCount(issuedAt)) };
    case 'none':
    case 'unknown-campaign':
    case 'not-ready':
    case 'held-elsewhere':
      return { kind };
    default:
      throw new Error(`find-grant.lua answered ${JSON.stringify(reply)}`);
  }
}

function instant(value: unknown, script: string): Date {
  if (typeof value !== 'number' || !Number.isSafeInteger(value)) {
    throw new Error(`${script} answered an instant ${JSON.stringify(value)}`);
  }
  return new Date(value);
}
