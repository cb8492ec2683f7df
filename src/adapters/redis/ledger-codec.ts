import type {
  DefineOutcome,
  GrantLookup,
  LedgerTally,
  Reservation,
} from '../../application/ports/issuance-ledger.port.ts';
import type { Campaign, CampaignRules, Eligibility } from '../../domain/campaign.ts';
import type { RevokeOutcome } from '../../application/ports/ledger-controls.port.ts';
import type { Coupon, Revocation } from '../../domain/coupon.ts';
import type { CampaignId, UserId } from '../../domain/ids.ts';

/**
 * How the ledger's values cross the wire, written once for the plain ledger and every sub-ledger
 * (both run scripts that share these arguments and replies): the rules a campaign hash holds, and
 * the replies read back. A reply the adapter cannot read is thrown, so `orUnavailable` turns it
 * into LedgerUnavailableError: an unreadable answer is never taken for one.
 */

/**
 * The campaign's rules as every defining or restoring script takes them (campaign-rules.lua
 * writes each field into the rules hash as it comes): the ONE list of the fields, each always
 * written ('' for an absent bound). A new rule is a field here and in the script that decides on
 * it (decide.lua); its change renews the rules' version stamp like any other.
 */
export function encodeRules(campaign: Campaign): string {
  const eligibility = campaign.eligibility ?? { kind: 'anyone' };
  const rules: Record<RuleField, string> = {
    name: campaign.name,
    total: String(campaign.totalQuantity),
    perUser: String(campaign.perUserLimit),
    startsAt: campaign.startsAt ? String(campaign.startsAt.getTime()) : '',
    endsAt: campaign.endsAt ? String(campaign.endsAt.getTime()) : '',
    paused: campaign.paused ? '1' : '0',
    eligibility: eligibility.kind,
    segment: eligibility.kind === 'segment' ? eligibility.segment : '',
    shuffleMs: campaign.openingShuffleMs ? String(campaign.openingShuffleMs) : '',
  };
  return JSON.stringify(rules);
}

type RuleField =
  | 'name'
  | 'total'
  | 'perUser'
  | 'startsAt'
  | 'endsAt'
  | 'paused'
  | 'eligibility'
  | 'segment'
  | 'shuffleMs';

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
  const kind = hash.get('eligibility') ?? 'anyone';
  const shuffleMs = Number(hash.get('shuffleMs') || 0);
  const eligibility: Eligibility =
    kind === 'segment'
      ? { kind, segment: hash.get('segment') ?? '' }
      : kind === 'allowlist'
        ? { kind }
        : { kind: 'anyone' };
  return {
    totalQuantity: toCount(hash.get('total')),
    perUserLimit: toCount(hash.get('perUser') ?? '1'),
    ...(startsAt ? { startsAt } : {}),
    ...(endsAt ? { endsAt } : {}),
    paused: hash.get('paused') === '1',
    eligibility,
    ...(shuffleMs > 0 ? { openingShuffleMs: shuffleMs } : {}),
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

/** What a plain script answers for a campaign it does not hold because sub-ledgers do. */
export interface HeldElsewhere {
  readonly kind: 'held-elsewhere';
}

/**
 * tally.lua's reply: {issued, revoked, returned}, undefined (nil) when the ledger holds no rules,
 * or held-elsewhere (a plain ledger's keys asked of a campaign laid out in sub-ledgers).
 */
export function tallyOf(reply: unknown): LedgerTally | undefined | HeldElsewhere {
  if (reply === null) return undefined;
  if (reply === 'held-elsewhere') return { kind: reply };
  const [issued, revoked, returned] = Array.isArray(reply) ? (reply as unknown[]) : [];
  return { issued: toCount(issued), revoked: toCount(revoked), returned: toCount(returned) };
}

/** define.lua's reply. */
export function defineOutcomeOf(reply: unknown): DefineOutcome {
  const [kind, consumed] = Array.isArray(reply) ? (reply as unknown[]) : [];
  if (kind === 'defined') return { kind };
  if (kind === 'below-issued') return { kind, consumed: toCount(consumed) };
  throw new Error(`define.lua answered ${JSON.stringify(reply)}`);
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
  /** An operator's correction is being written over the sub-ledgers: ask again shortly. */
  | { readonly kind: 'held' }
  /** The plain keys asked of a campaign laid out in sub-ledgers: ask those instead. */
  | HeldElsewhere;

/**
 * The ONE reader of a deciding script's `{kind, value}` reply. A reply it cannot read is thrown
 * (and becomes LedgerUnavailableError): an unreadable answer is never taken for one.
 */
export function decisionOf(reply: unknown, script: string): ScriptDecision {
  const [kind, value, entered, collected] = Array.isArray(reply) ? (reply as unknown[]) : [];
  switch (kind) {
    case 'pooled':
      return {
        kind,
        drawAt: instant(value, script),
        entered: entered === 1,
        collected: toCount(collected),
      };
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
    case 'paused':
    case 'not-eligible':
    case 'unknown-campaign':
    case 'not-ready':
    case 'exhausted':
    case 'other-epoch':
    case 'held':
    case 'held-elsewhere':
      return { kind };
    default:
      throw new Error(`${script} answered ${JSON.stringify(reply)}`);
  }
}

/** find-coupon.lua's reply: `{kind, sequence, issuedAt or '', revocation or ''}`. */
export function lookupOf(reply: unknown): GrantLookup | HeldElsewhere {
  const [kind, sequence, issuedAt, revoked, issued] = Array.isArray(reply)
    ? (reply as unknown[])
    : [];
  switch (kind) {
    case 'granted': {
      const revocation = revocationOf(revoked);
      return {
        kind,
        sequence: toCount(sequence),
        ...(issuedAt === '' || issuedAt === undefined
          ? {}
          : { issuedAt: new Date(toCount(issuedAt)) }),
        ...(revocation ? { revoked: revocation } : {}),
        ...(issued === undefined ? {} : { issued: toCount(issued) }),
      };
    }
    case 'none':
    case 'unknown-campaign':
    case 'not-ready':
    case 'held-elsewhere':
      return { kind };
    default:
      throw new Error(`find-coupon.lua answered ${JSON.stringify(reply)}`);
  }
}

/** A revoked hash's value, `<ms>:returned` or `<ms>:kept`; undefined for '' (not revoked). */
export function revocationOf(value: unknown): Revocation | undefined {
  if (value === '' || value === undefined || value === null) return undefined;
  const match = typeof value === 'string' ? /^(\d+):(returned|kept)$/.exec(value) : null;
  if (!match) throw new Error(`the ledger holds a malformed revocation ${JSON.stringify(value)}`);
  return { at: new Date(Number(match[1])), returned: match[2] === 'returned' };
}

/** A revocation as the revoked hash holds it. */
export function encodeRevocation(revocation: Revocation): string {
  return `${revocation.at.getTime()}:${revocation.returned ? 'returned' : 'kept'}`;
}

function instant(value: unknown, script: string): Date {
  if (typeof value !== 'number' || !Number.isSafeInteger(value)) {
    throw new Error(`${script} answered an instant ${JSON.stringify(value)}`);
  }
  return new Date(value);
}

/** revoke.lua's reply, with the revocation asked for (`at`, `returned`) when it was made now. */
export function revokeOutcomeOf(
  reply: unknown,
  coupon: { readonly campaignId: CampaignId; readonly userId: UserId },
  asked: Revocation,
): RevokeOutcome {
  const [kind, sequence, issuedAt, before] = Array.isArray(reply) ? (reply as unknown[]) : [];
  const revoked = (revocation: Revocation): Coupon => ({
    ...coupon,
    sequence: toCount(sequence),
    issuedAt: issuedAt === '' ? revocation.at : new Date(toCount(issuedAt)),
    revoked: revocation,
  });
  switch (kind) {
    case 'revoked':
      return { kind, coupon: revoked(asked) };
    case 'already-revoked':
      return { kind, coupon: revoked(revocationOf(before) ?? asked) };
    case 'not-a-winner':
    case 'unknown-campaign':
    case 'not-ready':
      return { kind };
    default:
      throw new Error(`revoke.lua answered ${JSON.stringify(reply)}`);
  }
}
