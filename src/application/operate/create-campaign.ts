import { defineCampaign, type Campaign, type CampaignDraft } from '../../domain/campaign.ts';
import type { FieldProblem } from '../../domain/result.ts';
import type { Actor } from '../ports/audit-trail.port.ts';
import type { CampaignRepository } from '../ports/campaign-repository.port.ts';
import { auditBy, auditView } from './campaign-view.ts';

export type CreateCampaignOutcome =
  | { readonly kind: 'created'; readonly campaign: Campaign }
  | { readonly kind: 'invalid'; readonly problems: FieldProblem[] }
  | { readonly kind: 'already-exists' };

/**
 * Creates a campaign as a draft, durably, with its audit entry. A draft is not in the ledger:
 * applicants get 404 for it, as if it did not exist yet, until it is published (PublishCampaign
 * shows the rules as they will be applied, with the warnings, and defines them in the ledger).
 */
export class CreateCampaign {
  constructor(private readonly campaigns: CampaignRepository) {}

  async execute(draft: CampaignDraft, by: Actor): Promise<CreateCampaignOutcome> {
    const defined = defineCampaign(draft);
    if (!defined.ok) return { kind: 'invalid', problems: defined.problems };
    const campaign = defined.value;
    const audit = {
      ...auditBy(by),
      action: 'create',
      campaignId: campaign.id,
      after: auditView(campaign),
    };
    if (!(await this.campaigns.create(campaign, audit))) return { kind: 'already-exists' };
    return { kind: 'created', campaign };
  }
}
