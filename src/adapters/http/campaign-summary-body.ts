import type { CampaignSummary } from '../../application/read/get-campaign-summary.ts';
import type { Campaign } from '../../domain/campaign.ts';

/** The eligibility rule as the API shows it (a segment only where there is one). */
export function eligibilityBody(campaign: Campaign) {
  const rule = campaign.eligibility ?? { kind: 'anyone' as const };
  return rule.kind === 'segment' ? { kind: rule.kind, segment: rule.segment } : { kind: rule.kind };
}

export function campaignSummaryBody(summary: CampaignSummary) {
  const { campaign } = summary;
  return {
    campaignId: campaign.id,
    name: campaign.name,
    state: campaign.state ?? 'published',
    phase: summary.phase,
    paused: campaign.paused ?? false,
    eligibility: eligibilityBody(campaign),
    totalQuantity: campaign.totalQuantity,
    perUserLimit: campaign.perUserLimit,
    startsAt: campaign.startsAt?.toISOString() ?? null,
    endsAt: campaign.endsAt?.toISOString() ?? null,
    openingShuffleMs: campaign.openingShuffleMs ?? null,
    proofOfWorkDifficulty: campaign.proofOfWorkDifficulty ?? null,
    issued: summary.issued ?? null,
    revoked: summary.revoked ?? null,
    returned: summary.returned ?? null,
    active: summary.active ?? null,
    remaining: summary.remaining ?? null,
    persisted: summary.persisted,
    ledgerReady: summary.issued !== undefined,
  };
}
