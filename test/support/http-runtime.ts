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

/** POST /admin/campaigns as the admin, which must answer 201. */
export async function createCampaignAsAdmin(
  app: OpenAPIHono,
  adminToken: string,
  campaign: Record<string, unknown>,
): Promise<void> {
  const created = await app.request('/admin/campaigns', {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${adminToken}` },
    body: JSON.stringify(campaign),
  });
  expect(created.status).toBe(201);
}
