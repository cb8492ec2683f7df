import type { CampaignId } from '../../domain/ids.ts';

/** One admin action, as it is kept: appended once, never changed. */
export interface AuditEntry {
  readonly id: string;
  readonly at: Date;
  /** Who did it: the admin identity that authenticated the request. */
  readonly actor: string;
  /** Why, in the operator's words, when they gave a reason. */
  readonly reason?: string;
  /** What was done: `create`, `publish`, `pause`, `resume`, `correct`, `end`, `revoke`, … */
  readonly action: string;
  readonly campaignId?: CampaignId;
  /** The values before and after, as JSON (only what the action changed). */
  readonly before?: unknown;
  readonly after?: unknown;
}

/** Who acts (an admin identity) and, optionally, why: what an audit entry records of them. */
export interface Actor {
  readonly name: string;
  readonly reason?: string;
}

/** The admin actions, newest first (written by CampaignRepository with each change). */
export interface AuditTrail {
  /** Up to `limit` entries older than `before` (an entry id), of one campaign or of all. */
  list(filter: {
    readonly campaignId?: CampaignId;
    readonly before?: string;
    readonly limit: number;
  }): Promise<AuditEntry[]>;
}
