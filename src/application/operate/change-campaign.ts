import { correct, endNow, paused, type CampaignCorrection } from '../../domain/campaign-changes.ts';
import { isDraft, type Campaign } from '../../domain/campaign.ts';
import type { CampaignId } from '../../domain/ids.ts';
import type { FieldProblem } from '../../domain/result.ts';
import type { Actor } from '../ports/audit-trail.port.ts';
import type { CampaignRepository } from '../ports/campaign-repository.port.ts';
import type { Clock } from '../ports/clock.port.ts';
import type { IssuanceLedger } from '../ports/issuance-ledger.port.ts';
import { auditBy, auditChange } from './campaign-view.ts';

/** What an operator does to a campaign's rules, draft or live. */
export type CampaignAction =
  | { readonly kind: 'pause' }
  | { readonly kind: 'resume' }
  | { readonly kind: 'end' }
  | { readonly kind: 'correct'; readonly correction: CampaignCorrection };

export type ChangeOutcome =
  | { readonly kind: 'changed'; readonly campaign: Campaign }
  | { readonly kind: 'invalid'; readonly problems: FieldProblem[] }
  /** A lower total below the units already consumed: refused, nothing changed. */
  | { readonly kind: 'below-issued'; readonly consumed: number }
  | { readonly kind: 'unknown-campaign' };

/**
 * Pause, resume, correct (total, window, name, eligibility) and end a campaign, exact against
 * the grants in flight: the campaign is held (no other change of it runs meanwhile), the new
 * rules are decided by the domain, written to the ledger in ONE atomic step (a pause is in force
 * at the very next application of every process; a lower total below what is consumed is
 * refused there, against the grants in flight), then the rules and the audit entry are written
 * durably together. Should that durable write fail, the ledger gets the previous rules back, and
 * the caller hears the outage: nothing is half-applied. A draft's change is durable only (it is
 * not in the ledger yet).
 */
export class ChangeCampaign {
  constructor(
    private readonly campaigns: CampaignRepository,
    private readonly ledger: IssuanceLedger,
    private readonly clock: Clock,
  ) {}

  async execute(campaignId: CampaignId, by: Actor, action: CampaignAction): Promise<ChangeOutcome> {
    let restore: Campaign | undefined;
    try {
      const outcome = await this.campaigns.update<ChangeOutcome>(campaignId, async (current) => {
        const next = this.changed(current, action);
        if (!next.ok) return { result: { kind: 'invalid', problems: next.problems } };
        const campaign = next.value;
        if (!isDraft(campaign)) {
          const defined = await this.ledger.define(campaign);
          if (defined.kind === 'below-issued') return { result: defined };
          restore = current;
        }
        return {
          result: { kind: 'changed', campaign },
          campaign,
          audit: {
            ...auditBy(by),
            action: action.kind,
            campaignId,
            ...auditChange(current, campaign),
          },
        };
      });
      restore = undefined;
      return outcome ?? { kind: 'unknown-campaign' };
    } finally {
      // The durable write failed after the ledger took the new rules: give it the old ones back.
      if (restore) await this.ledger.define(restore).catch(() => undefined);
    }
  }

  private changed(current: Campaign, action: CampaignAction) {
    switch (action.kind) {
      case 'pause':
        return { ok: true as const, value: paused(current, true) };
      case 'resume':
        return { ok: true as const, value: paused(current, false) };
      case 'end':
        return { ok: true as const, value: endNow(current, this.clock.now()) };
      case 'correct':
        return correct(current, action.correction);
    }
  }
}
