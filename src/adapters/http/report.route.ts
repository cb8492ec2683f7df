import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { createRoute, z, type OpenAPIHono } from '@hono/zod-openapi';
import type { Context } from 'hono';
import type { CampaignId } from '../../domain/ids.ts';
import { json, STORE_UNAVAILABLE } from './documented-responses.ts';
import { errorBody } from './error-body.ts';
import { CAMPAIGN_NOT_FOUND } from './error-messages.ts';
import type { HttpDependencies } from './http-dependencies.ts';
import { reportAuth } from './report-auth.ts';
import { adminIdentities } from './admin-auth.ts';
import { campaignReportBody, CampaignReportSchema } from './report-body.ts';
import { campaignReportCsv } from './report-csv.ts';
import { campaignReportPage } from './report-page.ts';
import { sharedFor } from './shared-result.ts';
import { CampaignParams, ErrorSchema } from './schemas.ts';

/**
 * uPlot's files, read from the installed `uplot` package (a production dependency) and served by
 * this process: no CDN, nothing fetched from elsewhere, the page works offline. Found through its
 * package.json (no `exports` map); read once at start, so a missing package fails the boot.
 */
const uplotDir = join(
  dirname(createRequire(import.meta.url).resolve('uplot/package.json')),
  'dist',
);
const ownAsset = (name: string) =>
  readFileSync(new URL(`./report/${name}`, import.meta.url), 'utf8');

interface Asset {
  readonly path: string;
  readonly body: string;
  readonly type: string;
}

/** The page's files: served, but files, not API operations (not in /openapi.json). */
const ASSETS: readonly Asset[] = [
  { path: '/report.js', body: ownAsset('report.js'), type: 'text/javascript; charset=utf-8' },
  { path: '/report.css', body: ownAsset('report.css'), type: 'text/css; charset=utf-8' },
  {
    path: '/vendor/uPlot.iife.min.js',
    body: readFileSync(join(uplotDir, 'uPlot.iife.min.js'), 'utf8'),
    type: 'text/javascript; charset=utf-8',
  },
  {
    path: '/vendor/uPlot.min.css',
    body: readFileSync(join(uplotDir, 'uPlot.min.css'), 'utf8'),
    type: 'text/css; charset=utf-8',
  },
];

export const REPORT_ASSET_PATHS: readonly string[] = ASSETS.map((asset) => asset.path);

/** Same origin only. uPlot sizes its elements from script (CSSOM), which style-src allows. */
const REPORT_CSP =
  "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; " +
  "connect-src 'self'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'";

export const REPORT_PATH = '/campaigns/:campaignId/report';

const FORMATS = ['json', 'csv', 'html'] as const;
type Format = (typeof FORMATS)[number];

const reportRoute = createRoute({
  method: 'get',
  path: '/campaigns/{campaignId}/report',
  tags: ['admin'],
  summary: "A campaign's report: answers per second, sell-out, grant → row delay (admin)",
  description:
    'Built from what every API and consumer process flushed to MySQL (once a second) and, when ' +
    "asked, the ledger's count of grants against the rows in MySQL. The same report as JSON " +
    '(default), CSV (one row per second, the single figures as `#` lines) or an HTML page with ' +
    'charts: `?format=` wins, else the `Accept` header (`text/html`, `text/csv`). The admin ' +
    'token is accepted as a bearer token or, so that a browser can open the page from a link, ' +
    'as the password of HTTP Basic (any user name).',
  security: [{ adminBearer: [] }, { adminBasic: [] }],
  request: {
    params: CampaignParams,
    query: z.object({
      format: z
        .enum(FORMATS)
        .optional()
        .openapi({ description: 'json, csv or html; without it, the Accept header decides' }),
    }),
  },
  responses: {
    200: {
      description: 'The report',
      content: {
        'application/json': { schema: CampaignReportSchema },
        'text/csv': { schema: z.string() },
        'text/html': { schema: z.string() },
      },
    },
    400: json(ErrorSchema, 'VALIDATION_FAILED: invalid campaign id or format'),
    401: json(ErrorSchema, 'UNAUTHORIZED: missing or wrong admin token'),
    404: json(ErrorSchema, 'CAMPAIGN_NOT_FOUND'),
    503: STORE_UNAVAILABLE,
  },
});

/** How long one computed history is shared by every caller (the dashboard polls it). */
const RECENT_TTL_MS = 1000;

const RecentSchema = z
  .object({
    from: z.iso.datetime(),
    to: z.iso.datetime(),
    campaigns: z.array(
      z.object({
        campaignId: z.string(),
        seconds: z.array(
          z.object({ at: z.iso.datetime(), answers: z.record(z.string(), z.number().int()) }),
        ),
      }),
    ),
  })
  .openapi('RecentAnswers');

const recentRoute = createRoute({
  method: 'get',
  path: '/stats/recent',
  tags: ['operations'],
  summary: 'Answers per campaign and second over the last ten minutes (public, read-only)',
  description:
    "The dashboard's history, from the report store (every process's flushes, about a second " +
    'behind): a page opened after a drop still shows it. One computed answer is shared by all ' +
    'callers for up to 1 s.',
  responses: {
    200: json(RecentSchema, 'The history'),
    503: STORE_UNAVAILABLE,
  },
});

function formatOf(c: Context, asked: Format | undefined): Format {
  if (asked) return asked;
  const accept = c.req.header('accept') ?? '';
  if (/text\/html/i.test(accept)) return 'html';
  if (/text\/csv/i.test(accept)) return 'csv';
  return 'json';
}

const secondIso = (second: number) => new Date(second * 1000).toISOString();

/**
 * `GET /campaigns/{id}/report` (admin) and `GET /stats/recent` (public, the dashboard's
 * history), with the report page's files. The report sits next to the campaign it is about
 * rather than under /admin/: it takes the admin token as HTTP Basic too, which the bearer-only
 * `/admin/*` middleware would refuse before it ran. Without ADMIN_TOKEN it answers 404
 * ADMIN_DISABLED, like `/admin/*`, and is not documented.
 */
export function registerReportRoutes(app: OpenAPIHono, deps: HttpDependencies): void {
  const { getCampaignReport, listRecentAnswers } = deps;
  for (const asset of ASSETS) {
    app.get(asset.path, (c) =>
      c.body(asset.body, 200, {
        'Content-Type': asset.type,
        'Cache-Control': 'no-cache',
        'X-Content-Type-Options': 'nosniff',
      }),
    );
  }

  if (listRecentAnswers) {
    const shared = sharedFor(RECENT_TTL_MS, () => listRecentAnswers.execute());
    app.openapi(recentRoute, async (c) => {
      const recent = await shared();
      const byCampaign = Map.groupBy(recent.seconds, (s) => s.campaignId);
      c.header('Cache-Control', 'no-store');
      return c.json(
        {
          from: secondIso(recent.fromSecond),
          to: secondIso(recent.toSecond),
          campaigns: [...byCampaign].map(([campaignId, seconds]) => ({
            campaignId,
            seconds: seconds.map((s) => ({ at: secondIso(s.second), answers: { ...s.answers } })),
          })),
        },
        200,
      );
    });
  }

  if (!getCampaignReport) return;
  const admins = adminIdentities(deps);
  if (admins.length === 0) {
    // A middleware, not a route: there is no operation to document, only this answer.
    app.use(REPORT_PATH, async (c) =>
      c.json(
        errorBody(
          'ADMIN_DISABLED',
          'admin is disabled on this service: start it with ADMIN_TOKEN set to read reports',
        ),
        404,
      ),
    );
    return;
  }
  app.openAPIRegistry.registerComponent('securitySchemes', 'adminBasic', {
    type: 'http',
    scheme: 'basic',
    description: 'Any user name, an admin token as the password (for browsers)',
  });
  app.use(REPORT_PATH, reportAuth(admins));
  app.openapi(reportRoute, async (c) => {
    const campaignId = c.req.valid('param').campaignId as CampaignId;
    const report = await getCampaignReport.execute(campaignId);
    if (!report) {
      return c.json(errorBody(CAMPAIGN_NOT_FOUND.code, CAMPAIGN_NOT_FOUND.message), 404);
    }
    const body = campaignReportBody(report);
    const headers = { 'Cache-Control': 'no-store', Vary: 'Accept' };
    switch (formatOf(c, c.req.valid('query').format)) {
      case 'html':
        return c.body(campaignReportPage(body), 200, {
          ...headers,
          'Content-Type': 'text/html; charset=utf-8',
          'Content-Security-Policy': REPORT_CSP,
          'X-Content-Type-Options': 'nosniff',
          'Referrer-Policy': 'no-referrer',
        });
      case 'csv':
        return c.body(campaignReportCsv(body), 200, {
          ...headers,
          'Content-Type': 'text/csv; charset=utf-8',
          'Content-Disposition': `inline; filename="report-${campaignId}.csv"`,
        });
      case 'json':
        for (const [name, value] of Object.entries(headers)) c.header(name, value);
        return c.json(body, 200);
    }
  });
}
