import { defineCampaign, type Campaign, type CampaignDraft } from '../../domain/campaign.ts';
import type { FieldProblem } from '../../domain/result.ts';
import type { CampaignRepository } from '../ports/campaign-repository.port.ts';
import type { IssuanceLedger } from '../ports/issuance-ledger.port.ts';

export type CreateCampaignOutcome =
  | { readonly kind: 'created'; readonly campaign: Campaign }
  | { readonly kind: 'invalid'; readonly problems: FieldProblem[] }
  | { readonly kind: 'already-exists' };

/**
 * Creates a campaign: durably first, then its rules into the ledger, so the apply path never
 * needs the database. If the ledger step fails the campaign answers LEDGER_NOT_READY until
 * `rebuild-ledger` runs: it never issues from rules that are not there.
 */
export class CreateCampaign {
  constructor(
    private readonly campaigns: CampaignRepository,
    private readonly ledger: IssuanceLedger,
  ) {}

  async execute(draft: CampaignDraft): Promise<CreateCampaignOutcome> {
    const defined = defineCampaign(draft);
    if (!defined.ok) return { kind: 'invalid', problems: defined.problems };
    const campaign = defined.value;
    if (!(await this.campaigns.create(campaign))) return { kind: 'already-exists' };
    await this.ledger.define(campaign);
    return { kind: 'created', campaign };
  }
}
