import type { Campaign } from '../../domain/campaign.ts';
import type { Coupon, Revocation } from '../../domain/coupon.ts';
import type { CampaignId, UserId } from '../../domain/ids.ts';
import type { Decision } from '../../domain/issuance-policy.ts';

/** An application collected in a shuffled opening: when it came, and who vouched for what. */
export interface PooledApplication {
  readonly at: Date;
  readonly segment: string | undefined;
}

export interface CampaignLedger {
  campaign: Campaign;
  /** userId → sequence of the user's coupon. */
  winners: Map<UserId, number>;
  /** userId → when the grant was made (what find-grant reads beside the sequence). */
  grantedAt?: Map<UserId, Date>;
  /** Highest sequence granted (after a restore with a hole, more than winners.size). */
  count: number;
  /** False once fenced: nothing is decided until the next restore (see IssuanceLedger.fence). */
  ready: boolean;
  /** Revoked coupons: userId → revocation (their units returned or not). */
  revoked?: Map<UserId, Revocation>;
  /** The allowlist as the ledger holds it (only read for an allowlisted campaign). */
  allowlist?: Set<UserId>;
  /** The shuffled opening's applications, collected until the draw (src/domain/opening.ts). */
  pool?: Map<UserId, PooledApplication>;
  /** The draw's answer to each collected applicant, until they read it (a grant: once). */
  drawn?: Map<UserId, Decision>;
}

/** Revoked coupons whose unit went back to stock. */
export function returnedOf(ledger: CampaignLedger): number {
  let returned = 0;
  for (const revocation of ledger.revoked?.values() ?? []) if (revocation.returned) returned += 1;
  return returned;
}

export interface StoredOutboxEntry {
  id: string;
  coupon: Coupon;
  /** When a relay took it (epoch ms), undefined while nobody holds it. */
  takenAt: number | undefined;
}

/**
 * The state the in-memory ledger and outbox share, as one Redis instance holds both. JavaScript
 * runs one synchronous block at a time, so a method without `await` between read and write is
 * atomic, the way a Lua script is in Redis.
 */
export class InMemoryLedgerStore {
  readonly campaigns = new Map<CampaignId, CampaignLedger>();
  readonly outbox = new Map<string, StoredOutboxEntry>();
  /** Reconcile claims: campaign → when the claim lapses (epoch ms). */
  readonly claims = new Map<CampaignId, number>();
  /** Persistence marks (see PersistenceMarks): campaign → user → durable coupon. */
  readonly persisted = new Map<CampaignId, Map<UserId, Coupon>>();
  /** Campaigns whose marks were seeded in this generation of the store (complete). */
  readonly seeded = new Map<CampaignId, number>();
  /** Bumped by every wipe: what a Redis run_id is to the Redis marks. */
  generation = 0;
  #nextEntry = 0;

  append(coupon: Coupon): void {
    const id = String(++this.#nextEntry);
    this.outbox.set(id, { id, coupon, takenAt: undefined });
  }

  /** Simulates losing the ledger's data (Redis restarted without persistence). */
  wipe(): void {
    this.campaigns.clear();
    this.outbox.clear();
    this.persisted.clear();
    this.seeded.clear();
    this.generation += 1;
  }
}
