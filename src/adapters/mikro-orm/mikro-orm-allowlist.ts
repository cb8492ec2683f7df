import type { MikroORM } from '@mikro-orm/mysql';
import type { Allowlist } from '../../application/ports/allowlist.port.ts';
import type { CampaignId, UserId } from '../../domain/ids.ts';
import { AllowlistSchema } from './entity-schemas.ts';
import { withStoreErrors } from './map-store-error.ts';

/** Rows per statement: an upload of a million users is a thousand statements of 1,000. */
const CHUNK = 1000;

/** campaign_allowlist: (campaign_id, user_id) rows, the primary key making adds idempotent. */
export class MikroOrmAllowlist implements Allowlist {
  constructor(private readonly orm: MikroORM) {}

  async add(campaignId: CampaignId, userIds: readonly UserId[]): Promise<number> {
    return withStoreErrors(async () => {
      const em = this.orm.em.fork();
      let added = 0;
      for (let i = 0; i < userIds.length; i += CHUNK) {
        const chunk = userIds.slice(i, i + CHUNK);
        // IGNORE only ever meets the duplicate key here: ids are parsed and the campaign exists.
        const result = await em.execute<{ affectedRows: number }>(
          `insert ignore into \`campaign_allowlist\` (\`campaign_id\`, \`user_id\`) values ${chunk
            .map(() => '(?, ?)')
            .join(', ')}`,
          chunk.flatMap((userId) => [campaignId, userId]),
          'run',
        );
        added += result.affectedRows;
      }
      return added;
    });
  }

  async remove(campaignId: CampaignId, userIds: readonly UserId[]): Promise<number> {
    return withStoreErrors(async () => {
      const em = this.orm.em.fork();
      let removed = 0;
      for (let i = 0; i < userIds.length; i += CHUNK) {
        const chunk = userIds.slice(i, i + CHUNK);
        removed += await em.nativeDelete(AllowlistSchema, { campaignId, userId: { $in: chunk } });
      }
      return removed;
    });
  }

  async count(campaignId: CampaignId): Promise<number> {
    return withStoreErrors(() => this.orm.em.fork().count(AllowlistSchema, { campaignId }));
  }

  async page(campaignId: CampaignId, after: UserId | undefined, limit: number): Promise<UserId[]> {
    return withStoreErrors(async () => {
      const rows = await this.orm.em
        .fork()
        .find(
          AllowlistSchema,
          { campaignId, ...(after !== undefined ? { userId: { $gt: after } } : {}) },
          { orderBy: { userId: 'asc' }, limit },
        );
      return rows.map((row) => row.userId as UserId);
    });
  }
}
