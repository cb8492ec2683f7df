import { isDraft } from '../../domain/campaign.ts';
import type { CampaignId } from '../../domain/ids.ts';
import type { Clock } from '../ports/clock.port.ts';
import type { ProofChallenge, ProofOfWork } from '../ports/proof-of-work.port.ts';
import type { GatedCampaigns } from './gated-campaigns.ts';

export type ChallengeOutcome =
  | { readonly kind: 'challenge'; readonly challenge: ProofChallenge }
  /** The campaign has no gate: apply without a solution. */
  | { readonly kind: 'not-required' }
  /** No such campaign, or a draft. */
  | { readonly kind: 'unknown-campaign' };

export interface IssueChallengeUseCase {
  execute(campaignId: CampaignId): Promise<ChallengeOutcome>;
}

/**
 * Hands out a proof-of-work challenge for a gated campaign. Nothing is stored: the challenge is
 * signed (it carries its campaign, difficulty and expiry), so any process can check the solution.
 */
export class IssueChallenge implements IssueChallengeUseCase {
  constructor(
    private readonly campaigns: Pick<GatedCampaigns, 'find'>,
    private readonly proofs: ProofOfWork,
    private readonly clock: Clock,
  ) {}

  async execute(campaignId: CampaignId): Promise<ChallengeOutcome> {
    const campaign = await this.campaigns.find(campaignId);
    if (!campaign || isDraft(campaign)) return { kind: 'unknown-campaign' };
    const difficulty = campaign.proofOfWorkDifficulty;
    if (difficulty === undefined) return { kind: 'not-required' };
    const challenge = await this.proofs.challenge(campaignId, difficulty, this.clock.now());
    return { kind: 'challenge', challenge };
  }
}
