import { fetchFrom, openCampaign } from '../../scripts/lib/open-campaign.ts';
import { proofFor } from '../../scripts/lib/solve-proof.ts';
import { mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium, type Browser, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/bootstrap/config.ts';
import { createRuntime, type Runtime } from '../../src/bootstrap/wiring/container.ts';
import { startHttp } from '../../src/bootstrap/runtime/http.ts';
import { startReportFlush } from '../../src/bootstrap/runtime/report-flush.ts';
import { seedDefaultCampaign } from '../../src/bootstrap/runtime/seed.ts';
import { startConsumer, startRelay } from '../../src/bootstrap/runtime/workers.ts';
import { randomCampaignId, userIds } from '../support/mothers.ts';
import { silentLogger } from '../support/test-logger.ts';

/**
 * The live dashboard, end to end: the embedded service (API + relay + consumer on the memory
 * adapters, started in-process the way main-embedded.ts starts it) opened in headless Debian
 * Chromium. A small stampede runs; the page must show the exact counts and chart the decisions.
 * Chromium: `bash scripts/ensure-chromium.sh` installs /usr/bin/chromium when it is missing.
 */
const ADMIN = 'dashboard-e2e-admin-token-0123';
const QUANTITY = 50;
const REQUESTS = 300;
const USERS = 200;
/**
 * Where the screenshot goes: SCREENSHOT_DIR when set (`SCREENSHOT_DIR=docs` refreshes the README's
 * picture on purpose, from a run worth showing), else the OS temp folder: a test run never
 * rewrites a committed picture of a test campaign.
 */
const SCREENSHOT_DIR = process.env['SCREENSHOT_DIR'] ?? join(tmpdir(), 'coupon-e2e');

let runtime: Runtime;
let url: string;
let browser: Browser;

beforeAll(async () => {
  // An explicit environment: never the real services test:all exports.
  const config = loadConfig({
    PORT: '0',
    HOST: '127.0.0.1',
    LOG_LEVEL: 'warn',
    ADMIN_TOKEN: ADMIN,
  });
  runtime = await createRuntime(config, silentLogger, 'embedded');
  startReportFlush(runtime);
  await startConsumer(runtime);
  startRelay(runtime);
  await seedDefaultCampaign(runtime);
  ({ url } = await startHttp(runtime));
  browser = await chromium.launch({
    executablePath: '/usr/bin/chromium',
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
  });
});

afterAll(async () => {
  await browser?.close();
  await runtime?.lifecycle.stop();
});

/** Polls `read` until it returns a value `accept`s, or fails with the last value seen. */
async function eventually<T>(
  read: () => Promise<T>,
  accept: (value: T) => boolean,
  timeoutMs = 15_000,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last: T;
  for (;;) {
    last = await read();
    if (accept(last)) return last;
    if (Date.now() > deadline)
      throw new Error(`gave up waiting; last value ${JSON.stringify(last)}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

/**
 * The little of the DOM these callbacks use (they run in the page). The project compiles
 * without the DOM lib, on purpose: its timer and fetch types would clash with Node's.
 */
interface PageElement {
  readonly innerText: string;
  readonly dataset: Record<string, string | undefined>;
  querySelectorAll(selector: string): Iterable<PageElement>;
}
interface Box {
  readonly left: number;
  readonly right: number;
}
interface LayoutElement {
  getBoundingClientRect(): Box;
  closest(selector: string): LayoutElement | null;
}
interface LayoutDocument {
  querySelector(selector: string): LayoutElement | null;
  readonly documentElement: { readonly scrollWidth: number };
}
interface PageDocument {
  querySelector(selector: string): PageElement | null;
  getElementById(id: string): PageElement | null;
}

async function rowOf(page: Page, campaignId: string): Promise<Record<string, string>> {
  return page.evaluate((id) => {
    const { document } = globalThis as unknown as { document: PageDocument };
    const row = document.querySelector(`tr[data-campaign-id="${id}"]`);
    const values: Record<string, string> = {};
    for (const cell of row ? row.querySelectorAll('[data-field]') : []) {
      values[cell.dataset['field'] ?? ''] = cell.innerText.trim();
    }
    return values;
  }, campaignId);
}

async function chartOf(
  page: Page,
): Promise<{ samples: number; peak: number; points: number; step: number }> {
  return page.evaluate(() => {
    const { document } = globalThis as unknown as { document: PageDocument };
    const canvas = document.getElementById('chart')!;
    return {
      samples: Number(canvas.dataset['samples']),
      peak: Number(canvas.dataset['peak']),
      points: Number(canvas.dataset['points']),
      step: Number(canvas.dataset['step']),
    };
  });
}

/** `REQUESTS` applications from `USERS` distinct users (some apply twice), in waves. */
async function stampede(campaignId: string): Promise<Map<number, number>> {
  const users = userIds(USERS, 'dash');
  const bodies = Array.from({ length: REQUESTS }, (_, i) => users[i % USERS]!);
  const statuses = new Map<number, number>();
  const waves = 5;
  const perWave = REQUESTS / waves;
  for (let w = 0; w < waves; w += 1) {
    const wave = bodies.slice(w * perWave, (w + 1) * perWave).map(async (userId) => {
      const res = await fetch(`${url}/campaigns/${campaignId}/issuances`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ userId }),
      });
      await res.arrayBuffer();
      statuses.set(res.status, (statuses.get(res.status) ?? 0) + 1);
    });
    await Promise.all(wave);
    // Spread over a few dashboard ticks so the chart shows a shape, not a single spike.
    await new Promise((resolve) => setTimeout(resolve, 400));
  }
  return statuses;
}

describe('live dashboard', () => {
  it('shows a stampede live: exact counts per campaign and a chart of decisions per second', async () => {
    const page = await browser.newPage({ viewport: { width: 1280, height: 860 } });
    const external: string[] = [];
    const pageErrors: string[] = [];
    page.on('request', (request) => {
      if (!request.url().startsWith(url)) external.push(request.url());
    });
    page.on('pageerror', (error) => pageErrors.push(error.message));
    page.on('response', (response) => {
      if (response.status() >= 400) pageErrors.push(`${response.status()} ${response.url()}`);
    });

    await page.goto(`${url}/`);
    await page.waitForSelector('tr[data-campaign-id="default"]');

    const campaignId = randomCampaignId('dash');
    const created = await openCampaign(fetchFrom(url), ADMIN, {
      id: campaignId,
      name: 'Dashboard stampede',
      totalQuantity: QUANTITY,
    });
    expect(created.status).toBe(200);
    await eventually(
      () => rowOf(page, campaignId),
      (row) => row['total'] === String(QUANTITY),
    );

    const statuses = await stampede(campaignId);
    expect(statuses.get(201)).toBe(QUANTITY);
    expect([...statuses.values()].reduce((a, b) => a + b, 0)).toBe(REQUESTS);
    expect([...statuses.keys()].every((s) => [201, 409, 410].includes(s))).toBe(true);

    // The page catches up: everything granted, nothing left, every coupon persisted.
    const row = await eventually(
      () => rowOf(page, campaignId),
      (r) => r['issued'] === '50' && r['remaining'] === '0' && r['persisted'] === '50',
    );
    expect(row['window']).toContain('sold out');

    // The chart drew the stampede from the server's history: seconds with answers, a peak,
    // plotted points, and whole-number ticks (an answer count is never 0.8).
    const chart = await eventually(
      () => chartOf(page),
      (c) => c.samples >= 1 && c.peak > 0 && c.points > 0,
    );
    expect(Number.isInteger(chart.step) && chart.step >= 1).toBe(true);
    // The page polls: the row and the chart can be satisfied by an earlier tick, before the
    // last wave's decisions were read. The total must reach every request, and stop there.
    const total = await eventually(
      async () => Number((await page.locator('#decisions-total').innerText()).replace(/,/g, '')),
      (n) => n >= REQUESTS,
    );
    expect(total).toBe(REQUESTS);
    expect(await page.locator('#live').getAttribute('class')).toBe('dot ok');

    mkdirSync(SCREENSHOT_DIR, { recursive: true });
    await page.screenshot({ path: join(SCREENSHOT_DIR, 'dashboard.png'), fullPage: true });

    expect(external).toEqual([]);
    expect(pageErrors).toEqual([]);
    await page.close();
  });

  it('shows the last minutes from the server to a page opened after the drop', async () => {
    // The stampede of the test above is over: this page never saw it happen.
    const page = await browser.newPage({ viewport: { width: 1280, height: 860 } });
    await page.goto(`${url}/`);

    const chart = await eventually(
      () => chartOf(page),
      (c) => c.peak > 0 && c.points > 0,
    );

    expect(chart.samples).toBeGreaterThanOrEqual(1);
    await page.close();
  });

  it("shows the proof-of-work gate's tile: challenges, solved, and refusals by reason", async () => {
    const campaignId = randomCampaignId('gated');
    const created = await openCampaign(fetchFrom(url), ADMIN, {
      id: campaignId,
      name: 'A gated drop',
      totalQuantity: 10,
      proofOfWorkDifficulty: 1_000,
    });
    expect(created.status).toBe(200);
    const fetchPath = fetchFrom(url);
    const [first, second] = [
      await proofFor(fetchPath, campaignId),
      await proofFor(fetchPath, campaignId),
    ];
    const apply = async (userId: string, proof?: string) =>
      (
        await fetch(`${url}/campaigns/${campaignId}/issuances`, {
          method: 'POST',
          headers: {
            'content-type': 'application/json',
            ...(proof === undefined ? {} : { 'x-proof-of-work': proof }),
          },
          body: JSON.stringify({ userId }),
        })
      ).status;
    // Two solved (the first one then sent again), one missing, one garbage.
    expect(await apply('gated-1', first)).toBe(201);
    expect(
      await Promise.all([
        apply('gated-2', second),
        apply('gated-3', first),
        apply('gated-4'),
        apply('gated-5', 'not-a-solution'),
      ]),
    ).toEqual([201, 403, 428, 403]);

    const page = await browser.newPage({ viewport: { width: 1280, height: 860 } });
    await page.goto(`${url}/`);
    // This runtime's counters: the challenges and refusals of this test only (no other test
    // of this file gates a campaign).
    const tile = await eventually(
      async () => page.locator('#proof-tile').innerText(),
      (text) => text.includes('replayed 1'),
    );
    expect(tile.replace(/\s+/g, ' ')).toContain('2 / 2');
    expect(tile).toContain('refused: missing 1 · invalid 1 · expired 0 · replayed 1');
    await page.close();
  });

  it('fits 400 px: no table out of its card, and every time says its zone', async () => {
    const campaignId = randomCampaignId('narrow');
    const created = await openCampaign(fetchFrom(url), ADMIN, {
      id: campaignId,
      name: 'A campaign with a window',
      startsAt: new Date(Date.now() + 3_600_000).toISOString(),
      endsAt: new Date(Date.now() + 7_200_000).toISOString(),
    });
    expect(created.status).toBe(200);
    const page = await browser.newPage({ viewport: { width: 400, height: 900 } });
    await page.goto(`${url}/`);
    await page.waitForSelector(`tr[data-campaign-id="${campaignId}"]`);

    const layout = await page.evaluate(() => {
      const { document } = globalThis as unknown as { document: LayoutDocument };
      const table = document.querySelector('#campaigns')!.getBoundingClientRect();
      const card = document.querySelector('#campaigns')!.closest('.card')!.getBoundingClientRect();
      return {
        table: { left: table.left, right: table.right },
        card: { left: card.left, right: card.right },
        pageWidth: document.documentElement.scrollWidth,
      };
    });
    const row = await rowOf(page, campaignId);

    expect(layout.table.right).toBeLessThanOrEqual(layout.card.right);
    expect(layout.table.left).toBeGreaterThanOrEqual(layout.card.left);
    expect(layout.pageWidth).toBeLessThanOrEqual(400);
    // "not open yet 25/11/2026, 11:00 UTC → 25/11/2026, 12:00 UTC": both ends with a zone.
    expect(row['window']).toMatch(
      /\d{2}:\d{2} (UTC|GMT[+-]?[\d:]*|[A-Z]{3,5})\b.*→.*\d{2}:\d{2} (UTC|GMT[+-]?[\d:]*|[A-Z]{3,5})\b/s,
    );
    await page.close();
  });

  it('serves the docs page the dashboard links to, from its own assets only', async () => {
    const page = await browser.newPage();
    const pageErrors: string[] = [];
    const foreign: string[] = [];
    page.on('pageerror', (error) => pageErrors.push(error.message));
    page.on('request', (request) => {
      if (!request.url().startsWith(url) && !request.url().startsWith('data:')) {
        foreign.push(request.url());
      }
    });
    await page.goto(`${url}/docs`);
    await page.waitForSelector('.opblock');
    await expect(page.locator('.info .title').innerText()).resolves.toContain('Coupon issuance');
    expect(await page.locator('.opblock').count()).toBeGreaterThan(10);
    expect(pageErrors).toEqual([]);
    expect(foreign).toEqual([]);
    await page.close();
  });

  it('the operator page: signs in, publishes a draft, pauses it after the typed id, and shows the audit', async () => {
    const campaignId = randomCampaignId('operate');
    const headers = { authorization: `Bearer ${ADMIN}`, 'content-type': 'application/json' };
    const created = await fetch(`${url}/admin/campaigns`, {
      method: 'POST',
      headers,
      body: JSON.stringify({ id: campaignId, name: 'Operated drop', totalQuantity: 10 }),
    });
    expect(created.status).toBe(201);
    const page = await browser.newPage();
    const pageErrors: string[] = [];
    page.on('pageerror', (error) => pageErrors.push(error.message));
    // Every confirmation types the campaign id; every reason prompt gets one.
    page.on('dialog', (dialog) => {
      const confirming = dialog.message().includes('Type the campaign id');
      void dialog.accept(confirming ? campaignId : 'e2e operator');
    });
    await page.goto(`${url}/operate`);
    await page.fill('#token', ADMIN);
    await page.click('#sign-in button');
    const row = `tr[data-campaign-id="${campaignId}"]`;
    await page.waitForSelector(`${row} [data-field="phase"]:text("draft")`);

    await page.click(`${row} button[data-action="publish"]`);
    await page.waitForSelector(`${row} [data-field="phase"]:text("live")`);
    await page.click(`${row} button[data-action="pause"]`);
    await page.waitForSelector(`${row} [data-field="phase"]:text("paused")`);

    const summary = (await (
      await fetch(`${url}/admin/campaigns/${campaignId}`, { headers })
    ).json()) as { phase?: string };
    expect(summary.phase).toBe('paused');
    const apply = await fetch(`${url}/campaigns/${campaignId}/issuances`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ userId: 'someone' }),
    });
    expect(apply.status).toBe(503);
    await page.waitForSelector('#audit tr[data-action="pause"]');
    const audit = await page.locator('#audit tr[data-action="pause"]').first().innerText();
    expect(audit).toContain('admin');
    expect(audit).toContain('e2e operator');
    expect(audit).toContain('paused: false → true');
    expect(pageErrors).toEqual([]);
    await page.close();
  });
});
