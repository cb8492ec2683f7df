import { describe, expect, it } from 'vitest';
import type { HealthCheck } from '../../src/application/ports/health-check.port.ts';
import { createHttpFixture, type HttpFixture } from '../support/http-fixture.ts';
import { useRuntimeApps } from '../support/http-runtime.ts';

interface OpenApiDocument {
  openapi: string;
  paths: Record<
    string,
    Record<string, { responses: object; parameters?: unknown[]; security?: unknown }>
  >;
  components: { securitySchemes: Record<string, unknown> };
}

/** The document as the route serves it (read with fetch semantics, not through ApiBody). */
async function openApiOf(f: HttpFixture): Promise<{ status: number; doc: OpenApiDocument }> {
  const response = await f.app.request('/openapi.json');
  return { status: response.status, doc: (await response.json()) as OpenApiDocument };
}

const healthy = (name: string): HealthCheck => ({ name, check: async () => undefined });
const failing = (name: string, reason: string): HealthCheck => ({
  name,
  check: async () => {
    throw new Error(reason);
  },
});

describe('HTTP: /openapi.json', () => {
  it('is OpenAPI 3.1 and lists every route with its method', async () => {
    const { status, doc } = await openApiOf(createHttpFixture());

    expect(status).toBe(200);
    expect(doc.openapi).toBe('3.1.0');
    const operations = Object.entries(doc.paths).flatMap(([path, item]) =>
      Object.keys(item).map((method) => `${method.toUpperCase()} ${path}`),
    );
    expect(operations).toEqual(
      expect.arrayContaining([
        'POST /campaigns/{campaignId}/issuances',
        'GET /campaigns/{campaignId}/issuances/{userId}',
        'GET /campaigns/{campaignId}',
        'POST /admin/campaigns',
        'GET /admin/campaigns',
        'GET /admin/campaigns/{campaignId}',
      ]),
    );
  });

  it('documents the apply outcomes and the admin security scheme', async () => {
    const { doc } = await openApiOf(createHttpFixture());

    const apply = doc.paths['/campaigns/{campaignId}/issuances']?.['post'];
    expect(Object.keys(apply?.responses ?? {})).toEqual(
      expect.arrayContaining(['201', '400', '403', '404', '409', '410', '413', '415', '503']),
    );
    expect(apply?.parameters).toEqual(
      expect.arrayContaining([expect.objectContaining({ name: 'campaignId', in: 'path' })]),
    );
    expect(doc.components.securitySchemes.adminBearer).toMatchObject({
      type: 'http',
      scheme: 'bearer',
    });
    expect(doc.paths['/admin/campaigns']?.['post']?.security).toEqual([{ adminBearer: [] }]);
  });

  it('leaves the admin routes out when there is no ADMIN_TOKEN', async () => {
    const { doc } = await openApiOf(createHttpFixture({ adminToken: null }));
    expect(Object.keys(doc.paths).filter((path) => path.startsWith('/admin'))).toEqual([]);
    expect(Object.keys(doc.paths)).toContain('/campaigns/{campaignId}/issuances');
  });
});

describe('HTTP: health', () => {
  const runtimeApp = useRuntimeApps();

  it('/health/live is 200', async () => {
    const response = await createHttpFixture({ healthChecks: [failing('redis', 'down')] }).request(
      'GET',
      '/health/live',
    );
    // Liveness never depends on the dependencies: a restart would not fix Redis.
    expect(response.status).toBe(200);
    expect(response.body).toEqual({ status: 'ok' });
  });

  it('/health/ready is 200 when every check answers', async () => {
    const f = createHttpFixture({ healthChecks: [healthy('redis'), healthy('kafka')] });

    const response = await f.request('GET', '/health/ready');

    expect(response.status).toBe(200);
    expect(response.body).toEqual({
      status: 'ready',
      checks: { redis: { ok: true }, kafka: { ok: true } },
    });
  });

  it('/health/ready is 200 with no checks (in-memory)', async () => {
    const response = await createHttpFixture().request('GET', '/health/ready');
    expect(response.status).toBe(200);
    expect(response.body.status).toBe('ready');
  });

  it('/health/ready of the embedded wiring lists its in-memory parts, not an empty {}', async () => {
    const { app } = await runtimeApp();

    const response = await app.request('/health/ready');

    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({
      status: 'ready',
      checks: {
        ledger: { ok: true, adapter: 'memory' },
        log: { ok: true, adapter: 'memory' },
        store: { ok: true, adapter: 'memory' },
      },
      audit: {
        grantsWithoutRow: 0,
        oldestMissingAgeMs: 0,
        rowsWithoutGrant: 0,
        repairs: 0,
        unclean: [],
      },
    });
  });

  it('/health/ready is 503 naming the failing check and its reason', async () => {
    const f = createHttpFixture({
      healthChecks: [healthy('redis'), failing('mysql', 'connect ECONNREFUSED 127.0.0.1:3306')],
    });

    const response = await f.request('GET', '/health/ready');

    expect(response.status).toBe(503);
    expect(response.body).toEqual({
      status: 'not-ready',
      checks: {
        redis: { ok: true },
        mysql: { ok: false, error: 'connect ECONNREFUSED 127.0.0.1:3306' },
      },
    });
  });
});
