import { createHttpApp } from '../adapters/http/app.ts';
import type { Runtime } from './container.ts';
import { startHttpServer } from './http-server.ts';
import { TOKENS } from './tokens.ts';

/** Builds the Hono app from the container and starts listening; stopped first on shutdown. */
export async function startHttp(runtime: Runtime): Promise<{ port: number; url: string }> {
  const { config, container, logger, lifecycle } = runtime;
  const app = createHttpApp({
    applyForCoupon: container.get(TOKENS.applyForCoupon),
    getIssuanceStatus: container.get(TOKENS.getIssuanceStatus),
    getCampaignSummary: container.get(TOKENS.getCampaignSummary),
    listCampaigns: container.get(TOKENS.listCampaigns),
    createCampaign: container.get(TOKENS.createCampaign),
    healthChecks: runtime.healthChecks(),
    logger,
    adminToken: config.ADMIN_TOKEN,
    bodyLimitBytes: config.BODY_LIMIT_BYTES,
  });
  const server = await startHttpServer(app, config.PORT, config.HOST);
  lifecycle.onStop('http', () => server.close());
  const host = config.HOST === '0.0.0.0' ? '127.0.0.1' : config.HOST;
  return { port: server.port, url: `http://${host}:${server.port}` };
}
