import type { CampaignId, UserId } from '../../domain/ids.ts';

/**
 * A campaign's allowlist as the durable record holds it (millions of users, uploaded in batches):
 * what a rebuilt ledger gets back, and what the preview counts. The ledger holds its own copy for
 * the decision (LedgerControls).
 */
export interface Allowlist {
  /** Adds users (idempotent); returns how many were not listed before. */
  add(campaignId: CampaignId, userIds: readonly UserId[]): Promise<number>;
  /** Removes users (idempotent); returns how many were listed. */
  remove(campaignId: CampaignId, userIds: readonly UserId[]): Promise<number>;
  count(campaignId: CampaignId): Promise<number>;
  /** Listed users after `after` in id order, at most `limit` (keyset pages). */
  page(campaignId: CampaignId, after: UserId | undefined, limit: number): Promise<UserId[]>;
}
