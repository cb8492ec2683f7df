import type { MikroORM } from '@mikro-orm/mysql';
import type { AuditEntry, AuditTrail } from '../../application/ports/audit-trail.port.ts';
import type { CampaignId } from '../../domain/ids.ts';
import { AuditSchema, type AuditRecord } from './entity-schemas.ts';
import { withStoreErrors } from './map-store-error.ts';

/** The append-only admin_audit table, newest first, in keyset pages by id. */
export class MikroOrmAuditTrail implements AuditTrail {
  constructor(private readonly orm: MikroORM) {}

  async list(filter: Parameters<AuditTrail['list']>[0]): Promise<AuditEntry[]> {
    return withStoreErrors(async () => {
      const records = await this.orm.em.fork().find(
        AuditSchema,
        {
          ...(filter.campaignId !== undefined ? { campaignId: filter.campaignId } : {}),
          ...(filter.before !== undefined ? { id: { $lt: filter.before } } : {}),
        },
        { orderBy: { id: 'desc' }, limit: filter.limit },
      );
      return records.map(auditFromRecord);
    });
  }
}

function auditFromRecord(record: AuditRecord): AuditEntry {
  const parse = (json: string | null): unknown => (json === null ? undefined : JSON.parse(json));
  return {
    id: String(record.id),
    at: record.at,
    actor: record.actor,
    ...(record.reason !== null ? { reason: record.reason } : {}),
    action: record.action,
    ...(record.campaignId !== null ? { campaignId: record.campaignId as CampaignId } : {}),
    ...(record.beforeJson !== null ? { before: parse(record.beforeJson) } : {}),
    ...(record.afterJson !== null ? { after: parse(record.afterJson) } : {}),
  };
}
