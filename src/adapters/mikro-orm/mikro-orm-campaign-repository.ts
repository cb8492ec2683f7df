import { LockMode, UniqueConstraintViolationException } from '@mikro-orm/core';
import type { MikroORM, SqlEntityManager } from '@mikro-orm/mysql';
import type { AuditEntry } from '../../application/ports/audit-trail.port.ts';
import type {
  CampaignChange,
  CampaignRepository,
} from '../../application/ports/campaign-repository.port.ts';
import type { Campaign } from '../../domain/campaign.ts';
import type { CampaignId } from '../../domain/ids.ts';
import { AuditSchema, CampaignSchema, type CampaignRecord } from './entity-schemas.ts';
import { withStoreErrors } from './map-store-error.ts';
import { campaignFromRecord, campaignToRecord } from './row-mapping.ts';

type NewAudit = Omit<AuditEntry, 'id' | 'at'>;

export class MikroOrmCampaignRepository implements CampaignRepository {
  constructor(private readonly orm: MikroORM) {}

  async create(campaign: Campaign, audit?: NewAudit): Promise<boolean> {
    return withStoreErrors(async () => {
      try {
        // Insert and let the primary key decide. A "find first, then insert" check would race:
        // two concurrent creates could both see nothing and one would then fail with an error
        // instead of the `false` the port promises.
        await this.orm.em.fork().transactional(async (em: SqlEntityManager) => {
          await em.insert<CampaignRecord>(CampaignSchema, campaignToRecord(campaign));
          if (audit) await appendAudit(em, audit);
        });
        return true;
      } catch (error) {
        if (error instanceof UniqueConstraintViolationException) return false;
        throw error;
      }
    });
  }

  async find(id: CampaignId): Promise<Campaign | undefined> {
    return withStoreErrors(async () => {
      const record = await this.orm.em.fork().findOne(CampaignSchema, { id });
      return record ? campaignFromRecord(record) : undefined;
    });
  }

  async list(): Promise<Campaign[]> {
    return withStoreErrors(async () => {
      const records = await this.orm.em.fork().find(CampaignSchema, {}, { orderBy: { id: 'asc' } });
      return records.map(campaignFromRecord);
    });
  }

  /**
   * One transaction holding the campaign's row (`SELECT … FOR UPDATE`): concurrent changes of
   * one campaign, from any process, run one after the other; the new row and the audit entry
   * commit together or not at all.
   */
  async update<T>(
    id: CampaignId,
    change: (current: Campaign) => Promise<CampaignChange<T>>,
  ): Promise<T | undefined> {
    return withStoreErrors(() =>
      this.orm.em.fork().transactional(async (em: SqlEntityManager) => {
        const record = await em.findOne(
          CampaignSchema,
          { id },
          { lockMode: LockMode.PESSIMISTIC_WRITE, refresh: true },
        );
        if (!record) return undefined;
        const { result, campaign, audit } = await change(campaignFromRecord(record));
        if (campaign) {
          await em.nativeUpdate(
            CampaignSchema,
            { id },
            { ...campaignToRecord(campaign), updatedAt: new Date() },
          );
        }
        if (audit) await appendAudit(em, audit);
        return result;
      }),
    );
  }
}

/** One audit row; `before`/`after` as JSON (what the action changed). */
export async function appendAudit(em: SqlEntityManager, audit: NewAudit): Promise<void> {
  await em.insert(AuditSchema, {
    actor: audit.actor.slice(0, 64),
    reason: audit.reason?.slice(0, 500) ?? null,
    action: audit.action,
    campaignId: audit.campaignId ?? null,
    beforeJson: audit.before === undefined ? null : JSON.stringify(audit.before),
    afterJson: audit.after === undefined ? null : JSON.stringify(audit.after),
  });
}
