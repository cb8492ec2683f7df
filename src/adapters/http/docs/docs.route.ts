import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { z, type OpenAPIHono } from '@hono/zod-openapi';
import type { Context } from 'hono';

/**
 * Swagger UI's files, read from the installed `swagger-ui-dist` package (a production
 * dependency), not from a CDN and not copied into src/: the page works offline, and the compiled
 * build finds them in its own node_modules. The package has no `exports` map, so its folder is
 * found through its package.json. Read once at start: a missing package fails the boot, not the
 * first visitor.
 */
const swaggerUiDir = dirname(
  createRequire(import.meta.url).resolve('swagger-ui-dist/package.json'),
);
const swaggerUi = (name: string) => readFileSync(join(swaggerUiDir, name), 'utf8');
const SWAGGER_UI_VERSION = (JSON.parse(swaggerUi('package.json')) as { version: string }).version;

/** Our own start-up script (a file, not inline, so the CSP can forbid inline scripts). */
const DOCS_JS = `window.ui = SwaggerUIBundle({
  url: '/openapi.json',
  dom_id: '#swagger-ui',
  deepLinking: true,
  // Never send the document to swagger.io's online validator.
  validatorUrl: null,
});
`;

const DOCS_HTML = `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>API docs · Coupon issuance</title>
<link rel="icon" href="data:,">
<link rel="stylesheet" href="/docs/swagger-ui.css?v=${SWAGGER_UI_VERSION}">
</head>
<body>
<noscript>This page needs JavaScript. The document it renders is <a href="/openapi.json">/openapi.json</a>.</noscript>
<div id="swagger-ui"></div>
<script src="/docs/swagger-ui-bundle.js?v=${SWAGGER_UI_VERSION}"></script>
<script src="/docs/docs.js?v=${SWAGGER_UI_VERSION}"></script>
</body>
</html>
`;

/**
 * Same origin only. Swagger UI sets style attributes (hence 'unsafe-inline' for styles, never
 * for scripts), draws its icons as data: SVGs and fetches /openapi.json.
 */
const DOCS_CSP =
  "default-src 'none'; script-src 'self'; style-src 'self' 'unsafe-inline'; " +
  "img-src 'self' data:; font-src 'self' data:; connect-src 'self'; " +
  "base-uri 'none'; form-action 'none'; frame-ancestors 'none'";

interface DocsFile {
  readonly path: string;
  /** The page is documented in /openapi.json; its scripts and styles are files, not operations. */
  readonly operation: boolean;
  readonly body: string;
  readonly type: string;
  readonly summary: string;
  /** The page itself is re-validated; its assets carry the package version in their URL. */
  readonly cache: string;
}

const FILES: readonly DocsFile[] = [
  {
    path: '/docs',
    operation: true,
    body: DOCS_HTML,
    type: 'text/html; charset=utf-8',
    summary: 'API documentation: Swagger UI over /openapi.json (HTML)',
    cache: 'no-cache',
  },
  {
    path: '/docs/swagger-ui.css',
    operation: false,
    body: swaggerUi('swagger-ui.css'),
    type: 'text/css; charset=utf-8',
    summary: `Swagger UI ${SWAGGER_UI_VERSION} styles (from swagger-ui-dist)`,
    cache: 'public, max-age=86400',
  },
  {
    path: '/docs/swagger-ui-bundle.js',
    operation: false,
    body: swaggerUi('swagger-ui-bundle.js'),
    type: 'text/javascript; charset=utf-8',
    summary: `Swagger UI ${SWAGGER_UI_VERSION} script (from swagger-ui-dist)`,
    cache: 'public, max-age=86400',
  },
  {
    path: '/docs/docs.js',
    operation: false,
    body: DOCS_JS,
    type: 'text/javascript; charset=utf-8',
    summary: 'Starts Swagger UI on /openapi.json',
    cache: 'public, max-age=86400',
  },
];

function send(c: Context, file: DocsFile): Response {
  return c.body(file.body, 200, {
    'Content-Type': file.type,
    'Cache-Control': file.cache,
    'X-Content-Type-Options': 'nosniff',
    'Referrer-Policy': 'no-referrer',
    ...(file.type.startsWith('text/html') ? { 'Content-Security-Policy': DOCS_CSP } : {}),
  });
}

/** The static files of /docs: served, but not API operations, so not in /openapi.json. */
export const DOCS_ASSET_PATHS: readonly string[] = FILES.filter((f) => !f.operation).map(
  (f) => f.path,
);

/** `GET /docs`: Swagger UI rendering `/openapi.json`, every file served by this process. */
export function registerDocsRoutes(app: OpenAPIHono): void {
  for (const file of FILES) {
    if (file.operation) {
      const type = file.type.split(';')[0] ?? file.type;
      app.openAPIRegistry.registerPath({
        method: 'get',
        path: file.path,
        summary: file.summary,
        tags: ['docs'],
        responses: {
          200: { description: file.summary, content: { [type]: { schema: z.string() } } },
        },
      });
    }
    app.get(file.path, (c) => send(c, file));
  }
}
