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

/**
 * Changes held at once by this process. A change holds a pooled connection for its transaction
 * while its callback may read through the pool (the allowlist, the catalog): were every
 * connection held by a change, those reads would wait for each other forever. Kept well under any
 * sane DATABASE_POOL_MAX; changes are an operator's, a handful at a time.
 */
const CONCURRENT_CHANGES = 4;

export class MikroOrmCampaignRepository implements CampaignRepository {
  readonly #changes = new Semaphore(CONCURRENT_CHANGES);

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
    return this.#changes.run(() => this.held(id, change));
  }

  private held<T>(
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

/** At most `size` calls of `run` at once; the others wait their turn, in order. */
class Semaphore {
  #free: number;
  readonly #waiting: (() => void)[] = [];

  constructor(size: number) {
    this.#free = size;
  }

  async run<T>(task: () => Promise<T>): Promise<T> {
    if (this.#free > 0) this.#free -= 1;
    else await new Promise<void>((resolve) => this.#waiting.push(resolve));
    try {
      return await task();
    } finally {
      const next = this.#waiting.shift();
      if (next) next();
      else this.#free += 1;
    }
  }
}
