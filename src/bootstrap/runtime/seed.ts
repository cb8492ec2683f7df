import type { CampaignId } from '../../domain/ids.ts';
import { parseCampaignId } from '../../domain/ids.ts';
import type { Runtime } from '../wiring/container.ts';

/** Who the audit trail says created and published the default campaign. */
const SEEDER = { name: 'seed' };

/** The embedded mode opens campaign `default` (1000 coupons) so a newcomer can apply at once. */
export async function seedDefaultCampaign(runtime: Runtime): Promise<CampaignId> {
  const { config, core, logger } = runtime;
  const id = parseCampaignId(config.DEFAULT_CAMPAIGN_ID, 'DEFAULT_CAMPAIGN_ID');
  if (!id.ok)
    throw new Error(`invalid configuration: DEFAULT_CAMPAIGN_ID: ${id.problems[0]?.message}`);
  const draft = {
    id: id.value,
    name: 'Default drop',
    totalQuantity: config.DEFAULT_CAMPAIGN_QUANTITY,
  };
  const outcome = await core.createCampaign.execute(draft, SEEDER);
  if (outcome.kind === 'invalid') throw new Error(JSON.stringify(outcome.problems));
  // A newcomer's drop: open at once, to anyone. Every warning that says so is acknowledged here.
  const preview = await core.publishCampaign.preview(id.value);
  const published = await core.publishCampaign.execute(id.value, SEEDER, preview?.warnings ?? []);
  if (published.kind === 'published') {
    logger.info({ campaignId: id.value }, 'seeded default campaign');
  }
  return id.value;
}
