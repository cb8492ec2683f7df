import type { ApplyForCoupon } from '../../application/apply-for-coupon.ts';
import type { CreateCampaign } from '../../application/create-campaign.ts';
import type { GetCampaignSummary } from '../../application/get-campaign-summary.ts';
import type { GetIssuanceStatus } from '../../application/get-issuance-status.ts';
import type { ListCampaigns } from '../../application/list-campaigns.ts';
import type { HealthCheck } from '../../application/ports/health-check.port.ts';
import type { Logger } from '../../application/ports/logger.port.ts';

/** What the HTTP adapter drives: use cases only, never a port directly. */
export interface HttpDependencies {
  readonly applyForCoupon: ApplyForCoupon;
  readonly getIssuanceStatus: GetIssuanceStatus;
  readonly getCampaignSummary: GetCampaignSummary;
  readonly listCampaigns: ListCampaigns;
  readonly createCampaign: CreateCampaign;
  readonly healthChecks: readonly HealthCheck[];
  readonly logger: Logger;
  /** Admin routes are off when undefined. */
  readonly adminToken: string | undefined;
  readonly bodyLimitBytes: number;
}
