import type { OpenAPIHono } from '@hono/zod-openapi';
import { Registry } from 'prom-client';
import { describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { createOpsApp } from '../../src/adapters/http/app.ts';
import { DASHBOARD_ASSET_PATHS } from '../../src/adapters/http/dashboard.route.ts';
import { DOCS_ASSET_PATHS } from '../../src/adapters/http/docs/docs.route.ts';
import { REPORT_ASSET_PATHS } from '../../src/adapters/http/report.route.ts';
import { OPENAPI_TAGS } from '../../src/adapters/http/docs/openapi-document.ts';
import { CouponMetrics } from '../../src/adapters/metrics/coupon-metrics.ts';
import { useRuntimeApps } from '../support/http-runtime.ts';
import { silentLogger } from '../support/test-logger.ts';

const runtimeApp = useRuntimeApps();

async function appWith(env: Record<string, string>): Promise<OpenAPIHono> {
  return (await runtimeApp(env)).app;
}

type Document = {
  info: { version: string };
  tags?: { name: string }[];
  paths: Record<string, Record<string, { tags?: string[] }>>;
  components?: Record<string, unknown>;
};

/** The static files of the dashboard, the report page and /docs: served, but not API operations. */
const ASSET_PATHS = [...DASHBOARD_ASSET_PATHS, ...REPORT_ASSET_PATHS, ...DOCS_ASSET_PATHS];
const STATIC_FILES = ASSET_PATHS.map((path) => `GET ${path}`);

async function documentOf(app: OpenAPIHono): Promise<Document> {
  const res = await app.request('/openapi.json');
  expect(res.status).toBe(200);
  return (await res.json()) as Document;
}

/** `GET /campaigns/{campaignId}` for every handler the app has (middleware excluded). */
function registeredRoutes(app: OpenAPIHono): string[] {
  const routes = app.routes
    .filter((r) => r.method !== 'ALL')
    .map((r) => `${r.method} ${r.path.replace(/:([A-Za-z0-9_]+)/g, '{$1}')}`);
  return [...new Set(routes)].sort();
}

function documentedRoutes(doc: Document): string[] {
  return Object.entries(doc.paths)
    .flatMap(([path, item]) => Object.keys(item).map((method) => `${method.toUpperCase()} ${path}`))
    .sort();
}

const ADMIN = { ADMIN_TOKEN: 'openapi-admin-token-0123456' };
const JWT = { AUTH_MODE: 'jwt', JWT_SECRET: 'an-hs256-secret-of-at-least-32-characters' };

describe('/openapi.json', () => {
  it.each([
    ['body mode, admin on', ADMIN],
    ['body mode, admin off', {}],
    ['jwt mode, admin on', { ...ADMIN, ...JWT }],
  ])('documents every route the app serves but its static files (%s)', async (_mode, env) => {
    const app = await appWith(env);
    const doc = await documentOf(app);
    const routes = registeredRoutes(app);
    expect(routes.length).toBeGreaterThan(10);
    for (const file of STATIC_FILES) expect(routes).toContain(file);
    expect(documentedRoutes(doc)).toEqual(routes.filter((r) => !STATIC_FILES.includes(r)));
  });

  it('serves the static files it leaves out of the document', async () => {
    const app = await appWith({});
    for (const path of ASSET_PATHS) {
      expect((await app.request(path)).status).toBe(200);
    }
  });

  it('files every operation under one of its declared tags, in reading order', async () => {
    const doc = await documentOf(await appWith(ADMIN));
    const declared = OPENAPI_TAGS.map((t) => t.name);
    expect(doc.tags?.map((t) => t.name)).toEqual(declared);
    const tagOf = (path: string, method: string) => doc.paths[path]![method]!.tags;
    for (const [path, item] of Object.entries(doc.paths)) {
      for (const method of Object.keys(item)) {
        expect(tagOf(path, method), `${method} ${path}`).toHaveLength(1);
        expect(declared).toContain(tagOf(path, method)![0]);
      }
    }
    expect(tagOf('/campaigns/{campaignId}/issuances', 'post')).toEqual(['campaigns']);
    expect(tagOf('/admin/campaigns', 'post')).toEqual(['admin']);
  });

  it("carries package.json's version", async () => {
    const pkg = JSON.parse(
      readFileSync(new URL('../../package.json', import.meta.url), 'utf8'),
    ) as {
      version: string;
    };
    expect((await documentOf(await appWith({}))).info.version).toBe(pkg.version);
  });

  it('includes the operational, dashboard and docs pages', async () => {
    const routes = documentedRoutes(await documentOf(await appWith(ADMIN)));
    for (const route of [
      'POST /campaigns/{campaignId}/issuances',
      'GET /campaigns/{campaignId}/issuances/{userId}',
      'GET /campaigns/{campaignId}',
      'GET /campaigns',
      'POST /admin/campaigns',
      'GET /admin/campaigns',
      'GET /admin/campaigns/{campaignId}',
      'GET /health/live',
      'GET /health/ready',
      'GET /metrics',
      'GET /stats',
      'GET /openapi.json',
      'GET /docs',
      'GET /',
    ]) {
      expect(routes).toContain(route);
    }
  });

  it('describes jwt mode: bearer security, optional body, 401 and USER_MISMATCH', async () => {
    const doc = await documentOf(await appWith(JWT));
    const apply = doc.paths['/campaigns/{campaignId}/issuances']!['post'] as {
      security: unknown;
      requestBody: { required: boolean };
      responses: Record<string, { description: string }>;
    };
    expect(apply.security).toEqual([{ bearerJwt: [] }]);
    expect(apply.requestBody.required).toBe(false);
    expect(apply.responses['401']).toBeDefined();
    expect(apply.responses['403']!.description).toContain('USER_MISMATCH');
    expect(JSON.stringify(doc.components)).toContain('"bearerJwt"');
  });

  it('describes the proof-of-work flow: the challenge, the header and every refusal code', async () => {
    const doc = await documentOf(await appWith(ADMIN));
    type Operation = {
      description?: string;
      parameters?: { name: string; in: string; description?: string }[];
      responses: Record<string, { description: string }>;
    };
    const challenge = doc.paths['/campaigns/{campaignId}/challenge']!['get'] as Operation;
    expect(Object.keys(challenge.responses)).toEqual(expect.arrayContaining(['200', '404', '409']));
    expect(challenge.description).toContain('X-Proof-Of-Work');
    const apply = doc.paths['/campaigns/{campaignId}/issuances']!['post'] as Operation;
    expect(apply.description).toContain('/campaigns/{campaignId}/challenge');
    const header = apply.parameters?.find((p) => p.in === 'header');
    expect(header?.name).toBe('x-proof-of-work');
    expect(apply.responses['428']!.description).toContain('PROOF_REQUIRED');
    for (const code of ['PROOF_INVALID', 'PROOF_EXPIRED', 'PROOF_REPLAYED']) {
      expect(apply.responses['403']!.description).toContain(code);
      expect(header?.description).toContain(code);
    }
    const created = JSON.stringify(doc.components);
    expect(created).toContain('proofOfWorkDifficulty');
    expect(created).toContain('ProofOfWorkChallenge');
  });

  it('has /docs render this document with Swagger UI served by the app itself', async () => {
    const app = await appWith(ADMIN);
    const html = await (await app.request('/docs')).text();
    const scripts = [...html.matchAll(/<script src="([^"]+)"/g)].map((m) => m[1]!);
    expect(scripts.map((src) => src.split('?')[0])).toEqual([
      '/docs/swagger-ui-bundle.js',
      '/docs/docs.js',
    ]);
    const starter = await (await app.request(scripts[1]!)).text();
    expect(starter).toContain("url: '/openapi.json'");
    expect((await app.request(scripts[0]!)).status).toBe(200);
  });

  it('covers the consumer’s ops app too (its routes are a documented subset)', async () => {
    const ops = createOpsApp({
      healthChecks: [],
      logger: silentLogger,
      metrics: new CouponMetrics(new Registry(), { processMetrics: false }),
    });
    const documented = documentedRoutes(await documentOf(await appWith({})));
    expect(registeredRoutes(ops)).toEqual([
      'GET /health/live',
      'GET /health/ready',
      'GET /metrics',
      'GET /stats',
    ]);
    for (const route of registeredRoutes(ops)) expect(documented).toContain(route);
  });
});
