import type { CampaignId, UserId } from '../../domain/ids.ts';
import type { Allowlist } from '../ports/allowlist.port.ts';
import { auditBy } from './campaign-view.ts';
import type { Actor } from '../ports/audit-trail.port.ts';
import type { CampaignRepository } from '../ports/campaign-repository.port.ts';
import type { LedgerControls } from '../ports/ledger-controls.port.ts';

export type AllowlistOutcome =
  | {
      readonly kind: 'changed';
      /** Users the call actually added (or removed): a repeated upload changes nothing. */
      readonly changed: number;
      /** Users on the list now. */
      readonly size: number;
    }
  | { readonly kind: 'unknown-campaign' };

/**
 * Uploads to (or removes from) a campaign's allowlist, in batches of up to a hundred thousand
 * users, draft or live. Every batch is idempotent, so a failed upload is simply sent again.
 *
 * Two copies must agree: the durable list (what a rebuilt ledger gets back) and the ledger's
 * (what decides). They are written in the order that never lets the wrong person win: an add
 * goes to the durable list first, then to the ledger; a removal leaves the ledger first. The
 * ledger's copy exists once the campaign is published (PublishCampaign copies the whole list
 * after defining the rules; an add racing with it is in one of the two, see the ledger adapters'
 * `allow`). Neither is held under the campaign's lock: an upload of a million users must not
 * stall the consumer's writes. The audit entry (counts, not ids) is written after.
 */
export class ManageAllowlist {
  constructor(
    private readonly campaigns: CampaignRepository,
    private readonly allowlist: Allowlist,
    private readonly controls: LedgerControls,
  ) {}

  async add(
    campaignId: CampaignId,
    userIds: readonly UserId[],
    by: Actor,
  ): Promise<AllowlistOutcome> {
    if (!(await this.campaigns.find(campaignId))) return { kind: 'unknown-campaign' };
    const changed = await this.allowlist.add(campaignId, userIds);
    await this.controls.allow(campaignId, userIds);
    return this.audited(campaignId, by, 'allowlist-add', userIds.length, changed);
  }

  async remove(
    campaignId: CampaignId,
    userIds: readonly UserId[],
    by: Actor,
  ): Promise<AllowlistOutcome> {
    if (!(await this.campaigns.find(campaignId))) return { kind: 'unknown-campaign' };
    await this.controls.disallow(campaignId, userIds);
    const changed = await this.allowlist.remove(campaignId, userIds);
    return this.audited(campaignId, by, 'allowlist-remove', userIds.length, changed);
  }

  /** One page of the durable list in user id order, with its size; undefined: no campaign. */
  async page(
    campaignId: CampaignId,
    after: UserId | undefined,
    limit: number,
  ): Promise<{ userIds: UserId[]; size: number } | undefined> {
    if (!(await this.campaigns.find(campaignId))) return undefined;
    const [userIds, size] = await Promise.all([
      this.allowlist.page(campaignId, after, limit),
      this.allowlist.count(campaignId),
    ]);
    return { userIds, size };
  }

  private async audited(
    campaignId: CampaignId,
    by: Actor,
    action: string,
    sent: number,
    changed: number,
  ): Promise<AllowlistOutcome> {
    const size = await this.allowlist.count(campaignId);
    const outcome = await this.campaigns.update<AllowlistOutcome>(campaignId, async () => ({
      result: { kind: 'changed', changed, size },
      audit: { ...auditBy(by), action, campaignId, after: { sent, changed, size } },
    }));
    return outcome ?? { kind: 'unknown-campaign' };
  }
}
