import type { CampaignId } from '../../domain/ids.ts';

/** Default namespace of every key the ledger and the outbox own. */
export const DEFAULT_KEY_PREFIX = 'coupon:';

/** Consumer group of every campaign's outbox stream: all relays share it, so each entry goes to one. */
export const RELAY_GROUP = 'relay';

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

  /** SET of campaign ids: tells the outbox which streams to read. */
  get campaigns(): string {
    return `${this.prefix}campaigns`;
  }

  /** HASH name, total, perUser, startsAt (epoch ms or ''), endsAt (epoch ms or ''). */
  campaign(id: CampaignId): string {
    return `${this.prefix}{${id}}:campaign`;
  }

  /** HASH userId → sequence of the user's coupon. */
  users(id: CampaignId): string {
    return `${this.prefix}{${id}}:users`;
  }

  /** STRING integer: the last sequence granted (the count of grants). */
  count(id: CampaignId): string {
    return `${this.prefix}{${id}}:count`;
  }

  /** STREAM of granted coupons waiting for the relay (fields campaignId, userId, sequence, issuedAt ms). */
  outbox(id: CampaignId): string {
    return `${this.prefix}{${id}}:outbox`;
  }

  /** STREAM of outbox entries that could not be decoded: set aside, never silently dropped. */
  deadLetters(id: CampaignId): string {
    return `${this.prefix}{${id}}:outbox-dead`;
  }

  /** Temporary HASH a restore fills before swapping it in (same slot as `users`, so RENAME works). */
  restoring(id: CampaignId, nonce: string): string {
    return `${this.prefix}{${id}}:restoring:${nonce}`;
  }
}
