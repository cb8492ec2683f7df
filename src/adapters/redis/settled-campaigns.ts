import type {
  ApplicantClaims,
  DefineOutcome,
  GrantLookup,
  IssuanceLedger,
  LedgerTally,
  Reservation,
  SettledAnswer,
} from '../../application/ports/issuance-ledger.port.ts';
import type {
  LedgerControls,
  RevokeOutcome,
} from '../../application/ports/ledger-controls.port.ts';
import type { Campaign, CampaignRules } from '../../domain/campaign.ts';
import type { Revocation } from '../../domain/coupon.ts';
import type { CampaignId, UserId } from '../../domain/ids.ts';
import { decide, grantsNoMore } from '../../domain/issuance-policy.ts';
import { decodeRules, revocationOf, toCount } from './ledger-codec.ts';
import type { RedisConnection } from './redis-client.ts';
import { orUnavailable } from './redis-errors.ts';
import { RedisKeys, type KeyNamespace } from './redis-keys.ts';
import {
  LEDGER_VERSION,
  registerScript,
  SETTLED_SNAPSHOT,
  type ScriptCall,
} from './redis-scripts.ts';

export interface SettledCampaignsOptions extends KeyNamespace {
  /** A copy is re-checked (one version read) at most this often: the staleness bound. */
  readonly revalidateMs: number;
  /** Largest winner set copied into memory; a bigger campaign is answered by Redis as before. */
  readonly maxWinners: number;
  /** Settled campaigns held at once (least recently settled first out). */
  readonly maxCampaigns?: number;
  readonly now?: () => number;
}

/** A campaign that can grant nothing more, as one atomic snapshot of its plain ledger held it. */
interface Settled {
  readonly rules: CampaignRules;
  readonly count: number;
  /** Units of revoked coupons returned to stock (the rules hash's `returned`). */
  readonly returned: number;
  readonly winners: ReadonlyMap<UserId, number>;
  readonly instants: ReadonlyMap<UserId, number>;
  readonly revoked: ReadonlyMap<UserId, Revocation>;
  /** The rules' version stamp the snapshot was taken under (see new_stamp in ledger-run.lua). */
  readonly stamp: string;
  checkedAt: number;
  revalidating: Promise<void> | undefined;
}

/**
 * Answers sold-out and closed campaigns from process memory, where that is exact.
 *
 * Once the ledger says sold out (or closed by its window), nothing can be granted any more until
 * something changes the campaign (new stock, a new window, a restore, a fence), and every change
 * of its rules or readiness renews ONE version stamp in its rules hash. So the first such answer
 * takes one atomic snapshot (rules, count, winners, instants, stamp: settled-snapshot.lua), and
 * from then on reserve, findGrant and issuedCount are `decide` over that frozen state, with no
 * round trip: a winner still hears already-issued, everyone else sold-out (or closed). Never a
 * grant from memory: a decision that would grant drops the copy and asks Redis.
 *
 * Staleness: every `revalidateMs` one version read (in the background; requests go on being
 * answered) checks the stamp and the readiness; any change drops the copy. A copy not re-checked
 * within twice that is not used until a version read confirms it again (a copy left idle is
 * revived by one read, not reloaded). Changes made through this process drop it at once (`define`
 * here, `forget` from the recovery). So the bound is `revalidateMs` plus one round trip, and it
 * only matters for a change that re-opens a settled campaign. Only plain campaigns are copied.
 */
export class SettledCampaigns implements IssuanceLedger, LedgerControls {
  readonly #settled = new Map<CampaignId, Settled>();
  readonly #loading = new Set<CampaignId>();
  /** Campaigns a load found unfit (sub-ledgers, too many winners): not tried again before. */
  readonly #unfitUntil = new Map<CampaignId, number>();
  /** Bumped by every local change: a load that began under an older one is void. */
  readonly #changes = new Map<CampaignId, number>();
  readonly #keys: RedisKeys;
  readonly #version: ScriptCall;
  readonly #snapshot: ScriptCall;
  readonly #now: () => number;

  constructor(
    private readonly inner: IssuanceLedger & LedgerControls,
    redis: RedisConnection,
    private readonly options: SettledCampaignsOptions,
  ) {
    this.#keys = new RedisKeys(options.keyPrefix);
    this.#version = registerScript(redis, LEDGER_VERSION);
    this.#snapshot = registerScript(redis, SETTLED_SNAPSHOT);
    this.#now = options.now ?? Date.now;
  }

  async reserve(
    campaignId: CampaignId,
    userId: UserId,
    now: Date,
    claims?: ApplicantClaims,
  ): Promise<Reservation> {
    const settled = this.fresh(campaignId);
    if (settled) {
      const answer = answerFrom(settled, userId, now);
      if (answer) return answer;
      this.forget(campaignId);
    }
    const reservation = await this.inner.reserve(campaignId, userId, now, claims);
    if (reservation.kind === 'sold-out' || reservation.kind === 'closed') this.settle(campaignId);
    return reservation;
  }

  /**
   * Always Redis': a collected applicant may be one of the draw's winners, and their first answer
   * is the grant itself, which no copy can give.
   */
  collect(
    campaignId: CampaignId,
    userId: UserId,
    appliedAt: Date,
    now: Date,
    claims?: ApplicantClaims,
  ): Promise<Reservation> {
    return this.inner.collect(campaignId, userId, appliedAt, now, claims);
  }

  async findGrant(campaignId: CampaignId, userId: UserId): Promise<GrantLookup> {
    const settled = this.fresh(campaignId);
    if (!settled) return this.inner.findGrant(campaignId, userId);
    const sequence = settled.winners.get(userId);
    if (sequence === undefined) return { kind: 'none' };
    const at = settled.instants.get(userId);
    const revoked = settled.revoked.get(userId);
    return {
      kind: 'granted',
      sequence,
      ...(at === undefined ? {} : { issuedAt: new Date(at) }),
      ...(revoked ? { revoked } : {}),
      issued: settled.count,
    };
  }

  async tally(campaignId: CampaignId): Promise<LedgerTally | undefined> {
    const settled = this.fresh(campaignId);
    if (!settled) return this.inner.tally(campaignId);
    return { issued: settled.count, revoked: settled.revoked.size, returned: settled.returned };
  }

  /** The copy's answer, the one `reserve` gives from it (no round trip; none without a copy). */
  settledAnswer(campaignId: CampaignId, userId: UserId, now: Date): SettledAnswer | undefined {
    const settled = this.fresh(campaignId);
    return settled && answerFrom(settled, userId, now);
  }

  define(campaign: Campaign): Promise<DefineOutcome> {
    return this.changing(campaign.id, () => this.inner.define(campaign));
  }

  revoke(
    campaignId: CampaignId,
    userId: UserId,
    options: { readonly returnToStock: boolean; readonly at: Date },
  ): Promise<RevokeOutcome> {
    return this.changing(campaignId, () => this.inner.revoke(campaignId, userId, options));
  }

  allow(campaignId: CampaignId, userIds: readonly UserId[]): Promise<void> {
    return this.inner.allow(campaignId, userIds);
  }

  disallow(campaignId: CampaignId, userIds: readonly UserId[]): Promise<void> {
    return this.inner.disallow(campaignId, userIds);
  }

  /** A change made through this process: the copy drops before and after it. */
  private async changing<T>(campaignId: CampaignId, change: () => Promise<T>): Promise<T> {
    this.forget(campaignId);
    try {
      return await change();
    } finally {
      this.forget(campaignId);
    }
  }

  /** Drops the campaign's copy, and voids a load under way (a change made in this process). */
  forget(campaignId: CampaignId): void {
    this.#settled.delete(campaignId);
    this.#unfitUntil.delete(campaignId);
    if (this.#changes.size > 10_000) this.#changes.clear(); // bounded; a cleared entry reads 0
    this.#changes.set(campaignId, (this.#changes.get(campaignId) ?? 0) + 1);
  }

  /** How many campaigns are answered from memory right now (for tests and metrics). */
  get settledCampaigns(): number {
    return this.#settled.size;
  }

  /** The copy when it may be used; starts a background revalidation when one is due. */
  private fresh(campaignId: CampaignId): Settled | undefined {
    const settled = this.#settled.get(campaignId);
    if (!settled) return undefined;
    const age = this.#now() - settled.checkedAt;
    if (age > this.options.revalidateMs) {
      settled.revalidating ??= this.revalidate(campaignId, settled);
    }
    // Not re-checked for too long (nobody asked, or the ledger is slow): not used until the
    // revalidation just started confirms it, one version read instead of a new snapshot.
    return age > 2 * this.options.revalidateMs ? undefined : settled;
  }

  private async revalidate(campaignId: CampaignId, settled: Settled): Promise<void> {
    const checkedAt = this.#now();
    try {
      const version = await this.version(campaignId);
      if (this.#settled.get(campaignId) !== settled) return;
      if (version?.ready && version.stamp === settled.stamp) settled.checkedAt = checkedAt;
      else this.#settled.delete(campaignId);
    } catch {
      if (this.#settled.get(campaignId) === settled) this.#settled.delete(campaignId);
    } finally {
      settled.revalidating = undefined;
    }
  }

  /** Loads the campaign's copy in the background, once at a time (the next refusal retries). */
  private settle(campaignId: CampaignId): void {
    if (this.#settled.has(campaignId) || this.#loading.has(campaignId)) return;
    if ((this.#unfitUntil.get(campaignId) ?? 0) > this.#now()) return;
    this.#loading.add(campaignId);
    this.load(campaignId)
      .catch(() => undefined)
      .finally(() => this.#loading.delete(campaignId));
  }

  private async load(campaignId: CampaignId): Promise<void> {
    const changes = this.#changes.get(campaignId) ?? 0;
    const checkedAt = this.#now();
    const version = await this.version(campaignId);
    if (!version?.ready || version.winners > this.options.maxWinners) {
      if (this.#unfitUntil.size > 10_000) this.#unfitUntil.clear();
      this.#unfitUntil.set(campaignId, checkedAt + this.options.revalidateMs);
      return;
    }
    const settled = await this.snapshot(campaignId, checkedAt);
    if (!settled || (this.#changes.get(campaignId) ?? 0) !== changes) return;
    // Only a campaign that can grant nothing more, to anyone: sold out, or closed by its window.
    const state = { issuedCount: settled.count, returned: settled.returned };
    if (!grantsNoMore(settled.rules, state, new Date(checkedAt))) return;
    this.#settled.set(campaignId, settled);
    while (this.#settled.size > (this.options.maxCampaigns ?? 64)) {
      const oldest = this.#settled.keys().next();
      if (oldest.done) break;
      this.#settled.delete(oldest.value);
    }
  }

  private version(
    campaignId: CampaignId,
  ): Promise<{ stamp: string; ready: boolean; winners: number } | undefined> {
    return orUnavailable(async () => {
      const reply = await this.#version(
        this.#keys.campaign(campaignId),
        this.#keys.users(campaignId),
      );
      if (!Array.isArray(reply) || reply.length === 0) return undefined;
      const [stamp, ready, winners] = reply as unknown[];
      return { stamp: String(stamp), ready: ready === 1, winners: toCount(winners) };
    });
  }

  private async snapshot(campaignId: CampaignId, checkedAt: number): Promise<Settled | undefined> {
    const keys = this.#keys;
    const reply = await orUnavailable(() =>
      this.#snapshot(
        keys.campaign(campaignId),
        keys.count(campaignId),
        keys.users(campaignId),
        keys.issuedAt(campaignId),
        keys.revoked(campaignId),
      ),
    );
    if (!Array.isArray(reply) || reply.length === 0) return undefined;
    const [stamp, ready, rules, count, winners, instants, revoked] = reply as unknown[];
    if (ready !== 1) return undefined;
    const hash = asList(rules);
    const returnedAt = hash.findIndex((field, i) => i % 2 === 0 && field === 'returned');
    return {
      rules: decodeRules(hash),
      count: toCount(count),
      returned: returnedAt < 0 ? 0 : toCount(hash[returnedAt + 1]),
      winners: countsOf(asList(winners)),
      instants: countsOf(asList(instants)),
      revoked: revocationsOf(asList(revoked)),
      stamp: String(stamp),
      checkedAt,
      revalidating: undefined,
    };
  }
}

/**
 * `decide` over the frozen copy, unless it would grant (then undefined: the copy is stale).
 * Eligibility is never needed here: a copy exists only while the campaign is sold out or closed,
 * and decide answers those before it looks at who applies (or at a pause).
 */
function answerFrom(settled: Settled, userId: UserId, now: Date): SettledAnswer | undefined {
  const state = {
    alreadyIssued: settled.winners.has(userId),
    issuedCount: settled.count,
    returned: settled.returned,
  };
  const decision = decide(settled.rules, state, now);
  return decision.kind === 'issued' ? undefined : decision;
}

function asList(value: unknown): readonly unknown[] {
  if (!Array.isArray(value)) throw new Error('settled-snapshot.lua answered a malformed list');
  return value as unknown[];
}

/** A HGETALL list of user → integer (sequence, or instant in ms). */
function countsOf(flat: readonly unknown[]): Map<UserId, number> {
  const map = new Map<UserId, number>();
  for (let i = 0; i + 1 < flat.length; i += 2)
    map.set(String(flat[i]) as UserId, toCount(flat[i + 1]));
  return map;
}

/** A HGETALL list of the revoked hash. */
function revocationsOf(flat: readonly unknown[]): Map<UserId, Revocation> {
  const map = new Map<UserId, Revocation>();
  for (let i = 0; i + 1 < flat.length; i += 2) {
    const revocation = revocationOf(flat[i + 1]);
    if (revocation) map.set(String(flat[i]) as UserId, revocation);
  }
  return map;
}
