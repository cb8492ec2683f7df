import { readFileSync } from 'node:fs';
import { z, type OpenAPIHono } from '@hono/zod-openapi';
import type { Context } from 'hono';

const asset = (name: string) =>
  readFileSync(new URL(`./dashboard/${name}`, import.meta.url), 'utf8');
// Read once at start: a missing file fails the boot, not the first visitor.
const INDEX_HTML = asset('index.html');
const DASHBOARD_JS = asset('dashboard.js');
const DASHBOARD_CSS = asset('dashboard.css');
const OPERATE_HTML = asset('operate.html');
const OPERATE_JS = asset('operate.js');

/** Same-origin only: the pages load nothing from elsewhere and cannot be framed. */
const PAGE_CSP =
  "default-src 'none'; script-src 'self'; style-src 'self'; connect-src 'self'; img-src 'self' data:; " +
  "base-uri 'none'; form-action 'none'; frame-ancestors 'none'";

function send(c: Context, body: string, type: string, csp?: string): Response {
  return c.body(body, 200, {
    'Content-Type': type,
    'Cache-Control': 'no-cache',
    'X-Content-Type-Options': 'nosniff',
    'Referrer-Policy': 'no-referrer',
    ...(csp ? { 'Content-Security-Policy': csp } : {}),
  });
}

const text = (type: string, description: string) => ({
  200: { description, content: { [type]: { schema: z.string() } } },
});

/** The dashboard's script and styles: served, but files, not API operations (not documented). */
export const DASHBOARD_ASSET_PATHS: readonly string[] = [
  '/dashboard.js',
  '/dashboard.css',
  '/operate.js',
];

/**
 * The live dashboard at `/` (static HTML + one small script + CSS, no build, no CDN; it polls
 * `GET /campaigns` and `GET /stats`). The API docs at `/docs` are docs/docs.route.ts. Only the
 * page is in /openapi.json: a fuzzer or a client generator has nothing to do with its files.
 */
export function registerDashboardRoutes(app: OpenAPIHono): void {
  app.openAPIRegistry.registerPath({
    method: 'get',
    path: '/',
    summary: 'Live dashboard (HTML)',
    tags: ['dashboard'],
    responses: text('text/html', 'Live dashboard (HTML)'),
  });
  app.openAPIRegistry.registerPath({
    method: 'get',
    path: '/operate',
    summary: "The operator's page: publish, pause, end, revoke, the audit trail (HTML)",
    description: 'A page of its own; every action it takes is an admin API call with the token.',
    tags: ['dashboard'],
    responses: text('text/html', "The operator's page (HTML)"),
  });
  const files: [string, string, string, string | undefined][] = [
    ['/', INDEX_HTML, 'text/html; charset=utf-8', PAGE_CSP],
    ['/dashboard.js', DASHBOARD_JS, 'text/javascript; charset=utf-8', undefined],
    ['/dashboard.css', DASHBOARD_CSS, 'text/css; charset=utf-8', undefined],
    ['/operate', OPERATE_HTML, 'text/html; charset=utf-8', PAGE_CSP],
    ['/operate.js', OPERATE_JS, 'text/javascript; charset=utf-8', undefined],
  ];
  for (const [path, body, type, csp] of files) app.get(path, (c) => send(c, body, type, csp));
}
