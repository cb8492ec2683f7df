import type {
  ApplicantClaims,
  DefineOutcome,
  GrantLookup,
  IssuanceLedger,
  LedgerTally,
  Reservation,
  SettledAnswer,
} from '../../application/ports/issuance-ledger.port.ts';
import type { Campaign, CampaignRules } from '../../domain/campaign.ts';
import type { Coupon } from '../../domain/coupon.ts';
import type { CampaignId, UserId } from '../../domain/ids.ts';
import { decide, grantsNoMore, type Decision } from '../../domain/issuance-policy.ts';
import { drawOrder, inShuffledOpening, openingDrawAt } from '../../domain/opening.ts';
import {
  returnedOf,
  type CampaignLedger,
  type InMemoryLedgerStore,
} from './in-memory-ledger-store.ts';

/** The ledger in process memory: the domain policy itself, applied without interleaving. */
export class InMemoryIssuanceLedger implements IssuanceLedger {
  constructor(private readonly store: InMemoryLedgerStore) {}

  async define(campaign: Campaign): Promise<DefineOutcome> {
    const existing = this.store.campaigns.get(campaign.id);
    if (!existing) {
      this.store.campaigns.set(campaign.id, {
        campaign,
        winners: new Map(),
        count: 0,
        ready: true,
      });
      return { kind: 'defined' };
    }
    const consumed = existing.count - returnedOf(existing);
    if (campaign.totalQuantity < consumed) return { kind: 'below-issued', consumed };
    existing.campaign = campaign;
    return { kind: 'defined' };
  }

  async reserve(
    campaignId: CampaignId,
    userId: UserId,
    now: Date,
    claims: ApplicantClaims = {},
  ): Promise<Reservation> {
    // No await below this line: read, decide and write happen as one step.
    const ledger = this.ready(campaignId);
    if ('kind' in ledger) return ledger;
    const drawAt = openingDrawAt(ledger.campaign);
    if (drawAt && inShuffledOpening(ledger.campaign, now) && !ledger.winners.has(userId)) {
      const pool = (ledger.pool ??= new Map());
      const entered = !pool.has(userId);
      if (entered) pool.set(userId, { at: now, segment: claims.segment });
      return { kind: 'pooled', drawAt, entered, collected: pool.size };
    }
    this.draw(ledger);
    return this.decided(ledger, userId, now, claims);
  }

  async collect(
    campaignId: CampaignId,
    userId: UserId,
    appliedAt: Date,
    now: Date,
    claims: ApplicantClaims = {},
  ): Promise<Reservation> {
    const ledger = this.ready(campaignId);
    if ('kind' in ledger) return ledger;
    const drawAt = openingDrawAt(ledger.campaign);
    if (drawAt && inShuffledOpening(ledger.campaign, now)) {
      return { kind: 'pooled', drawAt, entered: false, collected: ledger.pool?.size ?? 0 };
    }
    this.draw(ledger);
    const answer = ledger.drawn?.get(userId);
    if (answer === undefined) return this.decided(ledger, userId, appliedAt, claims);
    // A grant is answered once (nobody hears 201 twice); a refusal the same each time.
    if (answer.kind === 'issued') ledger.drawn?.set(userId, { kind: 'already-issued' });
    return this.reservation(campaignId, userId, answer, ledger.grantedAt?.get(userId) ?? now);
  }

  /** The campaign's ledger, when it holds one that may decide. */
  private ready(
    campaignId: CampaignId,
  ): CampaignLedger | { readonly kind: 'unknown-campaign' | 'not-ready' } {
    const ledger = this.store.campaigns.get(campaignId);
    if (!ledger) return { kind: 'unknown-campaign' };
    return ledger.ready ? ledger : { kind: 'not-ready' };
  }

  /** Decides every collected application in a random order, in one step (opening.ts). */
  private draw(ledger: CampaignLedger): void {
    const pool = ledger.pool;
    if (!pool) return;
    delete ledger.pool;
    const drawn = (ledger.drawn ??= new Map());
    const random = (n: number) => 1 + Math.floor(Math.random() * n);
    for (const [userId, applied] of drawOrder([...pool], random)) {
      const claims = applied.segment === undefined ? {} : { segment: applied.segment };
      drawn.set(userId, this.grant(ledger, userId, applied.at, claims));
    }
  }

  private decided(
    ledger: CampaignLedger,
    userId: UserId,
    now: Date,
    claims: ApplicantClaims,
  ): Reservation {
    const decision = this.grant(ledger, userId, now, claims);
    return this.reservation(ledger.campaign.id, userId, decision, now);
  }

  /** `decide`, and on a grant the winner, the count and the outbox entry, in the same step. */
  private grant(
    ledger: CampaignLedger,
    userId: UserId,
    now: Date,
    claims: ApplicantClaims,
  ): Decision {
    const decision = decide(
      ledger.campaign,
      {
        alreadyIssued: ledger.winners.has(userId),
        issuedCount: ledger.count,
        returned: returnedOf(ledger),
        eligible: eligible(ledger, ledger.campaign, userId, claims),
      },
      now,
    );
    if (decision.kind !== 'issued') return decision;
    const campaignId = ledger.campaign.id;
    ledger.winners.set(userId, decision.sequence);
    (ledger.grantedAt ??= new Map()).set(userId, now);
    ledger.count = decision.sequence;
    this.store.append({ campaignId, userId, sequence: decision.sequence, issuedAt: now });
    return decision;
  }

  private reservation(
    campaignId: CampaignId,
    userId: UserId,
    decision: Decision,
    issuedAt: Date,
  ): Reservation {
    if (decision.kind !== 'issued') return decision;
    const coupon: Coupon = { campaignId, userId, sequence: decision.sequence, issuedAt };
    return { kind: 'issued', coupon };
  }

  async findGrant(campaignId: CampaignId, userId: UserId): Promise<GrantLookup> {
    const ledger = this.store.campaigns.get(campaignId);
    if (!ledger) return { kind: 'unknown-campaign' };
    if (!ledger.ready) return { kind: 'not-ready' };
    const sequence = ledger.winners.get(userId);
    if (sequence === undefined) return { kind: 'none' };
    const issuedAt = ledger.grantedAt?.get(userId);
    const revoked = ledger.revoked?.get(userId);
    return {
      kind: 'granted',
      sequence,
      ...(issuedAt ? { issuedAt } : {}),
      ...(revoked ? { revoked } : {}),
      issued: ledger.count,
    };
  }

  /**
   * Exact here (the state is this process' own): the answer `reserve` would give while the
   * campaign grants nothing more. An undrawn opening's pool is not settled: its draw may grant.
   */
  settledAnswer(campaignId: CampaignId, userId: UserId, now: Date): SettledAnswer | undefined {
    const ledger = this.store.campaigns.get(campaignId);
    if (!ledger?.ready || ledger.pool) return undefined;
    const state = {
      alreadyIssued: ledger.winners.has(userId),
      issuedCount: ledger.count,
      returned: returnedOf(ledger),
    };
    if (!grantsNoMore(ledger.campaign, state, now)) return undefined;
    const decision = decide(ledger.campaign, state, now);
    return decision.kind === 'issued' ? undefined : decision;
  }

  async tally(campaignId: CampaignId): Promise<LedgerTally | undefined> {
    const ledger = this.store.campaigns.get(campaignId);
    if (!ledger) return undefined;
    return {
      issued: ledger.count,
      revoked: ledger.revoked?.size ?? 0,
      returned: returnedOf(ledger),
    };
  }
}

/** The campaign's eligibility rule, as the Redis scripts check it. */
function eligible(
  ledger: CampaignLedger,
  rules: CampaignRules,
  userId: UserId,
  claims: ApplicantClaims,
): boolean {
  const rule = rules.eligibility ?? { kind: 'anyone' };
  switch (rule.kind) {
    case 'anyone':
      return true;
    case 'allowlist':
      return ledger.allowlist?.has(userId) ?? false;
    case 'segment':
      return claims.segment === rule.segment;
  }
}
