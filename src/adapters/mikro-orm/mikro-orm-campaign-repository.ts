import { UniqueConstraintViolationException } from '@mikro-orm/core';
import type { MikroORM } from '@mikro-orm/mysql';
import type { CampaignRepository } from '../../application/ports/campaign-repository.port.ts';
import type { Campaign } from '../../domain/campaign.ts';
import type { CampaignId } from '../../domain/ids.ts';
import { CampaignSchema, type CampaignRecord } from './entity-schemas.ts';
import { withStoreErrors } from './map-store-error.ts';
import { campaignFromRecord, campaignToRecord } from './row-mapping.ts';

export class MikroOrmCampaignRepository implements CampaignRepository {
  constructor(private readonly orm: MikroORM) {}

  async create(campaign: Campaign): Promise<boolean> {
    return withStoreErrors(async () => {
      try {
        // Insert and let the primary key decide. A "find first, then insert" check would race:
        // two concurrent creates could both see nothing and one would then fail with an error
        // instead of the `false` the port promises.
        await this.orm.em.fork().insert<CampaignRecord>(CampaignSchema, campaignToRecord(campaign));
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
}
