import type { CampaignSummary } from '../../application/read/get-campaign-summary.ts';

export function campaignSummaryBody(summary: CampaignSummary) {
  const { campaign } = summary;
  return {
    campaignId: campaign.id,
    name: campaign.name,
    totalQuantity: campaign.totalQuantity,
    perUserLimit: campaign.perUserLimit,
    startsAt: campaign.startsAt?.toISOString() ?? null,
    endsAt: campaign.endsAt?.toISOString() ?? null,
    issued: summary.issued ?? null,
    remaining: summary.remaining ?? null,
    persisted: summary.persisted,
    ledgerReady: summary.issued !== undefined,
  };
}
