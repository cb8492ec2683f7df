import type { AdmitApplicantUseCase } from '../../application/admit/admit-applicant.ts';
import type { IssueChallengeUseCase } from '../../application/admit/issue-challenge.ts';
import type { AuditSummary } from '../../application/audit/persistence-finding.ts';
import type { ApplyForCouponUseCase } from '../../application/issue/apply-for-coupon.ts';
import type { ChangeCampaign } from '../../application/operate/change-campaign.ts';
import type { CreateCampaign } from '../../application/operate/create-campaign.ts';
import type { ManageAllowlist } from '../../application/operate/manage-allowlist.ts';
import type { PublishCampaign } from '../../application/operate/publish-campaign.ts';
import type { ReadAuditTrail } from '../../application/operate/read-audit-trail.ts';
import type { RevokeCoupon } from '../../application/operate/revoke-coupon.ts';
import type { ExportCoupons } from '../../application/read/export-coupons.ts';
import type { GetCampaignSummary } from '../../application/read/get-campaign-summary.ts';
import type { GetIssuanceStatus } from '../../application/read/get-issuance-status.ts';
import type { ListCampaigns } from '../../application/read/list-campaigns.ts';
import type { GetCampaignReport } from '../../application/report/get-campaign-report.ts';
import type { ListRecentAnswers } from '../../application/report/list-recent-answers.ts';
import type { HealthCheck } from '../../application/ports/health-check.port.ts';
import type { Logger } from '../../application/ports/logger.port.ts';
import type { RateLimits } from './rate-limit.ts';

/** What the HTTP adapter drives: use cases only, never a port directly. */
export interface HttpDependencies {
  readonly applyForCoupon: ApplyForCouponUseCase;
  /**
   * The proof-of-work gate: checked before every application, and its challenges served. Without
   * it no campaign is gated (an API composed without one: some tests and benchmarks).
   */
  readonly admission?: {
    readonly admitApplicant: AdmitApplicantUseCase;
    readonly issueChallenge: IssueChallengeUseCase;
  };
  readonly getIssuanceStatus: GetIssuanceStatus;
  readonly getCampaignSummary: GetCampaignSummary;
  readonly listCampaigns: ListCampaigns;
  readonly createCampaign: CreateCampaign;
  /** What the people who run a drop do, besides creating it (the admin routes). */
  readonly operate: OperatorUseCases;
  readonly healthChecks: readonly HealthCheck[];
  /** The persistence audit's last figures, shown by /health/ready; left out when omitted. */
  readonly persistenceAudit?: { summary(): AuditSummary };
  readonly logger: Logger;
  /** The admin token of `admin` (ADMIN_TOKEN); admin routes are off without any admin token. */
  readonly adminToken: string | undefined;
  /** More admins, each by name (ADMIN_TOKENS): the audit trail says who did what. */
  readonly adminTokens?: Readonly<Record<string, string>>;
  readonly bodyLimitBytes: number;
  /** Where the user id comes from; `{ mode: 'body' }` when omitted. */
  readonly auth?: AuthSettings;
  /** `/metrics`, `/stats` and request metrics; those routes are off when omitted. */
  readonly metrics?: HttpMetrics;
  /** Per-client limits on apply and status; no limit when omitted. */
  readonly rateLimits?: RateLimits;
  /** `GET /campaigns/{id}/report` (admin) and `GET /stats/recent`; off when omitted. */
  readonly getCampaignReport?: GetCampaignReport;
  readonly listRecentAnswers?: ListRecentAnswers;
  /** One span per request (tracing on); none when omitted. */
  readonly traced?: boolean;
}

export interface OperatorUseCases {
  readonly publishCampaign: PublishCampaign;
  readonly changeCampaign: ChangeCampaign;
  readonly revokeCoupon: RevokeCoupon;
  readonly manageAllowlist: ManageAllowlist;
  readonly readAuditTrail: ReadAuditTrail;
  readonly exportCoupons: ExportCoupons;
}

/**
 * `body`: the user id is taken from the request body (trusted callers behind a gateway).
 * `jwt`: it is taken only from the `sub` of a bearer JWT verified with `key` (an HS256 secret
 * or an RS256 public key in SPKI PEM), optionally checking `iss` and `aud`.
 */
export type AuthSettings =
  | { readonly mode: 'body' }
  | {
      readonly mode: 'jwt';
      readonly algorithm: 'HS256' | 'RS256';
      readonly key: string;
      readonly issuer?: string;
      readonly audience?: string;
      /** The claim whose value a `segment` campaign compares (ELIGIBILITY_CLAIM). */
      readonly segmentClaim?: string;
    };

/** What the HTTP adapter needs from the metrics adapter (structural, so the adapters stay apart). */
export interface HttpMetrics {
  readonly contentType: string;
  /** The Prometheus text exposition. */
  exposition(): Promise<string>;
  /** `route` is the route pattern (`/campaigns/:campaignId`), never the raw path. */
  observeRequest(method: string, route: string, status: number, seconds: number): void;
  snapshot(): Promise<{
    readonly decisions: Readonly<Record<string, number>>;
    readonly outboxDepth: number | null;
    readonly failedOpen: number | null;
  }>;
}
