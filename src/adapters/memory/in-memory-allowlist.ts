import type { Allowlist } from '../../application/ports/allowlist.port.ts';
import type { CampaignId, UserId } from '../../domain/ids.ts';

export class InMemoryAllowlist implements Allowlist {
  readonly #lists = new Map<CampaignId, Set<UserId>>();

  async add(campaignId: CampaignId, userIds: readonly UserId[]): Promise<number> {
    let list = this.#lists.get(campaignId);
    if (!list) this.#lists.set(campaignId, (list = new Set()));
    const before = list.size;
    for (const userId of userIds) list.add(userId);
    return list.size - before;
  }

  async remove(campaignId: CampaignId, userIds: readonly UserId[]): Promise<number> {
    const list = this.#lists.get(campaignId);
    if (!list) return 0;
    return userIds.filter((userId) => list.delete(userId)).length;
  }

  async count(campaignId: CampaignId): Promise<number> {
    return this.#lists.get(campaignId)?.size ?? 0;
  }

  async page(campaignId: CampaignId, after: UserId | undefined, limit: number): Promise<UserId[]> {
    const sorted = [...(this.#lists.get(campaignId) ?? [])].sort();
    return sorted.filter((userId) => after === undefined || userId > after).slice(0, limit);
  }
}
