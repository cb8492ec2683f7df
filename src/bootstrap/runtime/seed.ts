import type { CampaignId } from '../../domain/ids.ts';
import { parseCampaignId } from '../../domain/ids.ts';
import type { Runtime } from '../wiring/container.ts';

/** The embedded mode opens campaign `default` (1000 coupons) so a newcomer can apply at once. */
export async function seedDefaultCampaign(runtime: Runtime): Promise<CampaignId> {
  const { config, core, logger } = runtime;
  const id = parseCampaignId(config.DEFAULT_CAMPAIGN_ID, 'DEFAULT_CAMPAIGN_ID');
  if (!id.ok)
    throw new Error(`invalid configuration: DEFAULT_CAMPAIGN_ID: ${id.problems[0]?.message}`);
  const outcome = await core.createCampaign.execute({
    id: id.value,
    name: 'Default drop',
    totalQuantity: config.DEFAULT_CAMPAIGN_QUANTITY,
  });
  if (outcome.kind === 'invalid') throw new Error(JSON.stringify(outcome.problems));
  if (outcome.kind === 'created') logger.info({ campaignId: id.value }, 'seeded default campaign');
  return id.value;
}
