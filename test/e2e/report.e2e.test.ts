import { fetchFrom, openCampaign } from '../../scripts/lib/open-campaign.ts';
import { mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium, type Browser, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/bootstrap/config.ts';
import { startHttp } from '../../src/bootstrap/runtime/http.ts';
import { startReportFlush } from '../../src/bootstrap/runtime/report-flush.ts';
import { startConsumer, startRelay } from '../../src/bootstrap/runtime/workers.ts';
import { createRuntime, type Runtime } from '../../src/bootstrap/wiring/container.ts';
import { randomCampaignId } from '../support/mothers.ts';
import { silentLogger } from '../support/test-logger.ts';

/**
 * The campaign report page, end to end: the embedded service (in-process, memory adapters, the
 * report flush running as main-embedded.ts runs it) and headless Chromium. A person opens the
 * dashboard, follows a campaign's "report" link, answers the browser's Basic prompt with the
 * admin token (the context's httpCredentials), and must see the charts drawn with data, from
 * files this server served and nothing else.
 */
const ADMIN = 'report-e2e-admin-token-0123';
const QUANTITY = 40;
const USERS = 150;
const REQUESTS = 240;
const SCREENSHOT_DIR = process.env['SCREENSHOT_DIR'] ?? join(tmpdir(), 'coupon-e2e');

let runtime: Runtime;
let url: string;
let browser: Browser;

beforeAll(async () => {
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
  ({ url } = await startHttp(runtime));
  browser = await chromium.launch({
    executablePath: '/usr/bin/chromium',
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--no-first-run', '--disable-sync'],
  });
});

afterAll(async () => {
  await browser?.close();
  await runtime?.lifecycle.stop();
});

async function until<T>(read: () => Promise<T>, accept: (value: T) => boolean): Promise<T> {
  const deadline = Date.now() + 15_000;
  for (;;) {
    const value = await read();
    if (accept(value)) return value;
    if (Date.now() > deadline) throw new Error(`gave up; last ${JSON.stringify(value)}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

/** A rehearsal-shaped burst: every user once, some of them again, in three waves. */
async function drop(campaignId: string): Promise<void> {
  const bodies = Array.from({ length: REQUESTS }, (_, i) => `rehearsal-user-${i % USERS}`);
  for (let wave = 0; wave < 3; wave += 1) {
    await Promise.all(
      bodies.slice((wave * REQUESTS) / 3, ((wave + 1) * REQUESTS) / 3).map(async (userId) => {
        const res = await fetch(`${url}/campaigns/${campaignId}/issuances`, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify({ userId }),
        });
        await res.arrayBuffer();
      }),
    );
    await new Promise((resolve) => setTimeout(resolve, 600));
  }
}

interface Chart {
  readonly drawn: string | undefined;
  readonly points: number;
  readonly series: number;
}
interface ChartElement {
  readonly dataset: Record<string, string | undefined>;
}

async function chartsOf(page: Page): Promise<Record<string, Chart>> {
  return page.evaluate(() => {
    const { document } = globalThis as unknown as {
      document: { getElementById(id: string): ChartElement | null };
    };
    const charts: Record<string, Chart> = {};
    for (const id of ['chart-answers', 'chart-delays', 'chart-in-flight']) {
      const el = document.getElementById(id);
      charts[id] = {
        drawn: el?.dataset['drawn'],
        points: Number(el?.dataset['points'] ?? 0),
        series: Number(el?.dataset['series'] ?? 0),
      };
    }
    return charts;
  });
}

describe('campaign report page', () => {
  it('opens from the dashboard and draws every chart with data, from this server only', async () => {
    const campaignId = randomCampaignId('rehearsal');
    const created = await openCampaign(fetchFrom(url), ADMIN, {
      id: campaignId,
      name: 'Rehearsal drop',
      totalQuantity: QUANTITY,
    });
    expect(created.status).toBe(200);
    await drop(campaignId);
    // Every coupon persisted, then one more flush so the consumer's delays are in the store.
    await until(
      async () => (await (await fetch(`${url}/campaigns/${campaignId}`)).json()) as object,
      (summary) => (summary as { persisted?: number }).persisted === QUANTITY,
    );
    await runtime.core.flushReport.flushNow();

    const context = await browser.newContext({
      viewport: { width: 1280, height: 1000 },
      httpCredentials: { username: 'admin', password: ADMIN },
    });
    const page = await context.newPage();
    const outside: string[] = [];
    const problems: string[] = [];
    page.on('request', (request) => {
      if (!request.url().startsWith(url) && !request.url().startsWith('data:')) {
        outside.push(request.url());
      }
    });
    page.on('pageerror', (error) => problems.push(error.message));
    page.on('console', (message) => {
      if (message.type() === 'error' && !/401/.test(message.text())) problems.push(message.text());
    });
    page.on('response', (response) => {
      // 401 is the Basic challenge the browser answers with the credentials: the way in.
      if (response.status() >= 400 && response.status() !== 401) {
        problems.push(`${response.status()} ${response.url()}`);
      }
    });

    await page.goto(`${url}/`);
    await page.locator(`tr[data-campaign-id="${campaignId}"] a.report-link`).click();
    await page.waitForURL(`${url}/campaigns/${campaignId}/report`);

    const charts = await until(
      () => chartsOf(page),
      (c) => Object.values(c).every((chart) => chart.drawn === '1'),
    );
    expect(charts['chart-answers']!.points).toBeGreaterThan(0);
    expect(charts['chart-answers']!.series).toBe(3); // issued, already-issued, sold-out
    expect(charts['chart-delays']!.points).toBeGreaterThan(0);
    expect(charts['chart-in-flight']!.points).toBeGreaterThan(0);
    // uPlot drew onto canvases it made inside each chart.
    expect(await page.locator('#chart-answers canvas').count()).toBeGreaterThan(0);
    const figure = (name: string) => page.locator(`[data-figure="${name}"] .value`).innerText();
    expect(await figure('applications')).toBe(String(REQUESTS));
    expect(await figure('without-row')).toBe('0');
    expect(await page.locator('[data-figure="without-row"]').getAttribute('data-state')).toBe(
      'good',
    );
    expect(await page.locator('#answers tr[data-outcome="issued"] td').nth(2).innerText()).toBe(
      String(QUANTITY),
    );
    // Times are shown in the reader's zone (Intl's short zone name, e.g. "UTC" or "CET").
    expect(await page.locator('[data-figure="sell-out"] time').first().innerText()).toMatch(
      /\d{2}:\d{2}:\d{2}\.\d{3}\s\S+/,
    );

    mkdirSync(SCREENSHOT_DIR, { recursive: true });
    await page.screenshot({ path: join(SCREENSHOT_DIR, 'report.png'), fullPage: true });
    expect(outside).toEqual([]);
    expect(problems).toEqual([]);
    await context.close();
  });
});
