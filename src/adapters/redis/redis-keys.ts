import { CAMPAIGN_ID, type CampaignId } from '../../domain/ids.ts';

/** Default namespace of every key the ledger and the outbox own. */
export const DEFAULT_KEY_PREFIX = 'coupon:';

/** Consumer group of every campaign's outbox stream: all relays share it, so each entry goes to one. */
export const RELAY_GROUP = 'relay';

/** What every Redis adapter over these keys takes: its namespace. */
export interface KeyNamespace {
  /**
   * Prefix of every key (default `coupon:`, see RedisKeys). The ledger, the outbox, the
   * persistence marks and the ledger versions of one deployment must share it.
   */
  readonly keyPrefix?: string;
}

/**
 * One sub-ledger of a campaign in sharded-stock mode (src/adapters/redis/sharded):
 * `<campaignId>#<suffix>`. `#` never occurs in a campaign id, so a sub-ledger's keys never
 * collide with a campaign's, and the tag names the campaign its grants belong to.
 */
export type SubLedgerTag = string & { readonly __brand: 'SubLedgerTag' };

/**
 * What goes between the braces of a ledger's keys (its hash tag, hence its cluster slot): a
 * campaign id (one ledger per campaign), or a sub-ledger tag. The campaign registry lists either,
 * and the outbox reads the stream of each.
 */
export type LedgerTag = CampaignId | SubLedgerTag;

const SUB_LEDGER_SUFFIX = /^[0-9a-z.]{1,24}$/;

/** A registry member as a ledger tag, with the campaign its grants belong to; else undefined. */
export function parseLedgerTag(
  raw: string,
): { readonly tag: LedgerTag; readonly campaignId: CampaignId } | undefined {
  const hash = raw.indexOf('#');
  const campaign = hash < 0 ? raw : raw.slice(0, hash);
  if (!CAMPAIGN_ID.test(campaign)) return undefined;
  if (hash >= 0 && !SUB_LEDGER_SUFFIX.test(raw.slice(hash + 1))) return undefined;
  return { tag: raw as LedgerTag, campaignId: campaign as CampaignId };
}

/**
 * The key layout, in one place so the ledger, the outbox and the tests agree on it.
 *
 * Every key of one campaign carries the hash tag `{<campaignId>}`: Redis Cluster then puts them
 * all on one slot, which is what lets ONE Lua script read and write the rules, the winners, the
 * count and the outbox atomically. The registry of campaigns is global (it lives on some other
 * slot), so it is only ever written by its own command, never from inside a campaign's script.
 *
 * A prefix other than the default gives a caller its own namespace (tests use one per fixture so
 * parallel suites sharing one Redis never see each other's outbox entries).
 */
export class RedisKeys {
  constructor(readonly prefix: string = DEFAULT_KEY_PREFIX) {
    // A brace in the prefix would become the hash tag and put every campaign on one slot.
    if (prefix.includes('{') || prefix.includes('}')) {
      throw new Error(`Redis key prefix must not contain '{' or '}': ${prefix}`);
    }
  }

  /** SET of ledger tags (campaign ids, sub-ledger tags): tells the outbox which streams to read. */
  get campaigns(): string {
    return `${this.prefix}campaigns`;
  }

  /**
   * ZSET ledger tag → when a process last marked it (epoch ms): the outbox streams that may hold
   * entries, so an idle relay asks about those only (see outbox-activity.ts).
   */
  get outboxActive(): string {
    return `${this.prefix}outbox-active`;
  }

  /**
   * HASH name, total, perUser, startsAt (epoch ms or ''), endsAt (epoch ms or ''); a sub-ledger's
   * also holds its layout and quota (see sharded/reserve-shard.lua).
   */
  campaign(id: LedgerTag): string {
    return `${this.prefix}{${id}}:campaign`;
  }

  /** HASH userId → sequence of the user's coupon. */
  users(id: LedgerTag): string {
    return `${this.prefix}{${id}}:users`;
  }

  /** STRING integer: the last sequence granted (the count of grants; a sub-ledger's grants). */
  count(id: LedgerTag): string {
    return `${this.prefix}{${id}}:count`;
  }

  /** STREAM of granted coupons waiting for the relay (fields campaignId, userId, sequence, issuedAt ms). */
  outbox(id: LedgerTag): string {
    return `${this.prefix}{${id}}:outbox`;
  }

  /** STREAM of outbox entries that could not be decoded: set aside, never silently dropped. */
  deadLetters(id: LedgerTag): string {
    return `${this.prefix}{${id}}:outbox-dead`;
  }

  /** HASH userId → `<epoch ms>:returned|kept` of each revoked coupon (revoke.lua). */
  revoked(id: LedgerTag): string {
    return `${this.prefix}{${id}}:revoked`;
  }

  /** SET of the user ids an allowlisted campaign (or one sub-ledger of it) lets win. */
  allowlist(id: LedgerTag): string {
    return `${this.prefix}{${id}}:allowlist`;
  }

  /** HASH userId → issuedAt (epoch ms) of the user's grant, written by reserve.lua with it. */
  issuedAt(id: LedgerTag): string {
    return `${this.prefix}{${id}}:issued-at`;
  }

  /**
   * HASH userId → `<arrival ms>:<segment claim>`: the applications a shuffled opening collected,
   * until the draw decides them (opening.lua).
   */
  openingPool(id: LedgerTag): string {
    return `${this.prefix}{${id}}:opening-pool`;
  }

  /** HASH userId → `<kind>:<value>`: the draw's answer to each collected applicant (opening.lua). */
  openingDrawn(id: LedgerTag): string {
    return `${this.prefix}{${id}}:opening-drawn`;
  }

  /**
   * STRING N: how many sub-ledgers the campaign has, when it is laid out in sub-ledgers (the
   * sharded layout's marker). On the campaign's own slot, so the plain scripts see it and say the
   * campaign is held elsewhere; read once per process and campaign by the sharded routing.
   */
  shardCount(id: LedgerTag): string {
    return `${this.prefix}{${id}}:shards`;
  }

  /**
   * reserve.lua's keys, in its KEYS order: rules, users, count, outbox, issued-at, the marker,
   * the allowlist, the opening's pool and drawn answers, the sequences.
   */
  reserveKeys(id: CampaignId): string[] {
    return [
      this.campaign(id),
      this.users(id),
      this.count(id),
      this.outbox(id),
      this.issuedAt(id),
      this.shardCount(id),
      this.allowlist(id),
      this.openingPool(id),
      this.openingDrawn(id),
      this.sequences(id),
    ];
  }

  /**
   * ZSET userId → sequence of every grant of the plain ledger, written with the grant (decide.lua)
   * and swapped in by a restore: the persistence audit counts it by sequence range (ZCOUNT).
   */
  sequences(id: CampaignId): string {
    return `${this.prefix}{${id}}:sequences`;
  }

  /** STRING: how many grants an audit last found equal on both sides (LedgerAudit.markAudited). */
  audited(id: CampaignId): string {
    return `${this.prefix}{${id}}:audited`;
  }

  /** STRING with a TTL: held by the one process auditing the campaign (LedgerAudit.claim). */
  auditLease(id: CampaignId): string {
    return `${this.prefix}{${id}}:audit-lease`;
  }

  /** HASH userId → "sequence:issuedAt ms" of every coupon known to be durable (persistence marks). */
  persisted(id: CampaignId): string {
    return `${this.prefix}{${id}}:persisted`;
  }

  /** STRING: run_id of the Redis server process on which the persistence marks are complete. */
  persistedRun(id: CampaignId): string {
    return `${this.prefix}{${id}}:persisted-run`;
  }

  /** STRING with a TTL: held by the one process reconciling the campaign (LedgerRecovery.claim). */
  reconciling(id: CampaignId): string {
    return `${this.prefix}{${id}}:reconciling`;
  }

  /** Temporary HASH a restore fills before swapping it in (same slot as `users`, so RENAME works). */
  restoring(id: LedgerTag, nonce: string): string {
    return `${this.prefix}{${id}}:restoring:${nonce}`;
  }
}
