import { openCampaign } from '../../scripts/lib/open-campaign.ts';
import type { OpenAPIHono } from '@hono/zod-openapi';
import { afterEach, expect } from 'vitest';
import type { Logger } from '../../src/application/ports/logger.port.ts';
import { loadConfig } from '../../src/bootstrap/config.ts';
import { createRuntime, type Runtime } from '../../src/bootstrap/wiring/container.ts';
import { buildHttpApp } from '../../src/bootstrap/runtime/http.ts';
import { silentLogger } from './test-logger.ts';

export interface RuntimeApp {
  readonly app: OpenAPIHono;
  readonly runtime: Runtime;
}

/**
 * Apps on the real wiring (config → container → routes) over the memory adapters, one runtime
 * each, as one process has them. Call it once per file (or describe): every runtime it makes is
 * stopped after the test that made it. Cleanup registered after this call runs before that stop.
 */
export function useRuntimeApps(): (
  env?: Record<string, string>,
  logger?: Logger,
) => Promise<RuntimeApp> {
  const runtimes: Runtime[] = [];
  afterEach(async () => {
    await Promise.all(runtimes.splice(0).map((r) => r.lifecycle.stop()));
  });
  return async (env = {}, logger = silentLogger) => {
    const runtime = await createRuntime(
      loadConfig({ LOG_LEVEL: 'silent', ...env }),
      logger,
      'test',
      { processMetrics: false },
    );
    runtimes.push(runtime);
    return { app: await buildHttpApp(runtime), runtime };
  };
}

/** Creates and publishes a campaign as the admin (every warning acknowledged); must succeed. */
export async function createCampaignAsAdmin(
  app: OpenAPIHono,
  adminToken: string,
  campaign: { readonly id: string } & Record<string, unknown>,
): Promise<void> {
  const opened = await openCampaign((path, init) => app.request(path, init), adminToken, campaign);
  expect(opened.status).toBe(200);
}
