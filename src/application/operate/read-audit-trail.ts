import type { CampaignId } from '../../domain/ids.ts';
import type { AuditEntry, AuditTrail } from '../ports/audit-trail.port.ts';

export const AUDIT_PAGE_MAX = 500;

/** The admin actions, newest first, a page at a time (`before`: the last id of the page read). */
export class ReadAuditTrail {
  constructor(private readonly trail: AuditTrail) {}

  async execute(filter: {
    readonly campaignId?: CampaignId;
    readonly before?: string;
    readonly limit?: number;
  }): Promise<{ entries: AuditEntry[]; next: string | undefined }> {
    const limit = Math.min(filter.limit ?? 100, AUDIT_PAGE_MAX);
    const entries = await this.trail.list({ ...filter, limit });
    return { entries, next: entries.length === limit ? entries.at(-1)?.id : undefined };
  }
}
