import type {
  ApplicantClaims,
  DefineOutcome,
  GrantLookup,
  IssuanceLedger,
  LedgerTally,
  Reservation,
} from '../../application/ports/issuance-ledger.port.ts';
import type { Campaign, CampaignRules } from '../../domain/campaign.ts';
import type { Coupon } from '../../domain/coupon.ts';
import type { CampaignId, UserId } from '../../domain/ids.ts';
import { decide } from '../../domain/issuance-policy.ts';
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
    const ledger = this.store.campaigns.get(campaignId);
    if (!ledger) return { kind: 'unknown-campaign' };
    if (!ledger.ready) return { kind: 'not-ready' };
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
    const coupon: Coupon = { campaignId, userId, sequence: decision.sequence, issuedAt: now };
    ledger.winners.set(userId, decision.sequence);
    (ledger.grantedAt ??= new Map()).set(userId, now);
    ledger.count = decision.sequence;
    this.store.append(coupon);
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
