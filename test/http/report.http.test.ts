import type { OpenAPIHono } from '@hono/zod-openapi';
import { describe, expect, it } from 'vitest';
import type { CampaignReportBody } from '../../src/adapters/http/report-body.ts';
import type { CampaignId } from '../../src/domain/ids.ts';
import { startReportFlush } from '../../src/bootstrap/runtime/report-flush.ts';
import { startConsumer, startRelay } from '../../src/bootstrap/runtime/workers.ts';
import type { Runtime } from '../../src/bootstrap/wiring/container.ts';
import { createCampaignAsAdmin, useRuntimeApps } from '../support/http-runtime.ts';
import { randomCampaignId, userIds } from '../support/mothers.ts';

const runtimeApp = useRuntimeApps();
const TOKEN = 'report-admin-token-0123456789';
const bearer = { authorization: `Bearer ${TOKEN}` };
const basic = (password: string) => ({
  authorization: `Basic ${Buffer.from(`anyone:${password}`).toString('base64')}`,
});

/** The embedded wiring with its consumer running, and a campaign of 3 stampeded by 6 calls. */
async function soldOutCampaign(name = 'Report drop'): Promise<{
  app: OpenAPIHono;
  runtime: Runtime;
  id: CampaignId;
}> {
  const { app, runtime } = await runtimeApp({ ADMIN_TOKEN: TOKEN });
  await startConsumer(runtime);
  startRelay(runtime);
  const id = randomCampaignId('rep');
  await createCampaignAsAdmin(app, TOKEN, { id, name, totalQuantity: 3 });
  const [a, b, c, d] = userIds(4);
  for (const userId of [a, b, a, c, d, d]) {
    await app.request(`/campaigns/${id}/issuances`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ userId }),
    });
  }
  await runtime.core.flushReport.flushNow();
  return { app, runtime, id };
}

/** Reads until `accept` holds (the consumer persists in the background), or fails. */
async function until<T>(read: () => Promise<T>, accept: (value: T) => boolean): Promise<T> {
  const deadline = Date.now() + 5000;
  for (;;) {
    const value = await read();
    if (accept(value)) return value;
    if (Date.now() > deadline) throw new Error(`gave up; last ${JSON.stringify(value)}`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

async function reportOf(app: OpenAPIHono, id: string): Promise<CampaignReportBody> {
  const res = await app.request(`/campaigns/${id}/report`, { headers: bearer });
  expect(res.status).toBe(200);
  return (await res.json()) as CampaignReportBody;
}

describe('GET /campaigns/{id}/report', () => {
  it('reports the answers, the sell-out and every 201 with its row, as JSON by default', async () => {
    const { app, id } = await soldOutCampaign();

    // The consumer persists in the background; the report reads rows when it is asked.
    const report = await until(
      () => reportOf(app, id),
      (r) => r.grants.rows === 3,
    );

    expect(report.applications).toBe(6);
    expect(report.answers.map((a) => [a.status, a.code, a.count])).toEqual([
      [201, 'ISSUED', 3],
      [409, 'ALREADY_ISSUED', 1],
      [410, 'SOLD_OUT', 2],
    ]);
    expect(report.refusals.map((a) => a.code)).toEqual(['ALREADY_ISSUED', 'SOLD_OUT']);
    expect(report.grants).toEqual({ issued: 3, rows: 3, withoutRow: 0, auditReemitted: 0 });
    expect(report.sellOut.soldOut).toBe(true);
    expect(report.sellOut.timeToSellOutMs).toBe(
      Date.parse(report.sellOut.lastGrantAt!) - Date.parse(report.sellOut.firstGrantAt!),
    );
    expect(report.peakInFlight).toBe(1);
    expect(report.processes).toHaveLength(1);
    expect(report.perSecond.reduce((n, s) => n + (s.answers['issued'] ?? 0), 0)).toBe(3);
  });

  it('holds the grant → row delays once the flush after the consumer ran', async () => {
    const { app, runtime, id } = await soldOutCampaign();
    await until(
      () => reportOf(app, id),
      (r) => r.grants.rows === 3,
    );
    await runtime.core.flushReport.flushNow();

    const { delay } = await reportOf(app, id);

    expect(delay.samples).toBe(3);
    expect(delay.p50Ms).not.toBeNull();
    expect(delay.p50Ms!).toBeLessThanOrEqual(delay.p99Ms!);
    expect(delay.p99Ms!).toBeLessThanOrEqual(delay.maxMs!);
    expect(delay.buckets.reduce((n, b) => n + b.count, 0)).toBe(3);
  });

  it('answers CSV by Accept or ?format, the figures as # lines over one row per second', async () => {
    const { app, id } = await soldOutCampaign();

    for (const init of [
      { path: `/campaigns/${id}/report`, headers: { ...bearer, accept: 'text/csv' } },
      { path: `/campaigns/${id}/report?format=csv`, headers: bearer },
    ]) {
      const res = await app.request(init.path, { headers: init.headers });
      expect(res.headers.get('content-type')).toBe('text/csv; charset=utf-8');
      const lines = (await res.text()).trimEnd().split('\r\n');
      expect(lines[0]).toBe(`# campaign,${id}`);
      expect(lines).toContain('# applications,6');
      expect(lines).toContain('# answered_410_SOLD_OUT,2');
      const header = lines.find((line) => !line.startsWith('#'))!;
      expect(header).toBe('at,issued,already-issued,sold-out,peak_in_flight');
      const rows = lines.slice(lines.indexOf(header) + 1).map((line) => line.split(','));
      expect(rows.reduce((n, row) => n + Number(row[1]), 0)).toBe(3);
    }
  });

  it('answers a page with charts to a browser that sends the token as Basic', async () => {
    const { app, id } = await soldOutCampaign('Drop </script><b>bold</b>');

    const res = await app.request(`/campaigns/${id}/report`, {
      headers: { ...basic(TOKEN), accept: 'text/html,application/xhtml+xml' },
    });
    const html = await res.text();

    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('text/html; charset=utf-8');
    expect(res.headers.get('content-security-policy')).toContain("script-src 'self'");
    expect(html).toContain('<script src="/vendor/uPlot.iife.min.js" defer></script>');
    expect(html).toContain('data-figure="without-row" data-state=');
    // The admin's campaign name is text everywhere, also inside the embedded JSON.
    expect(html).not.toContain('<b>bold</b>');
    expect(html.match(/<\/script>/g)).toHaveLength(3);
    for (const asset of ['/vendor/uPlot.iife.min.js', '/vendor/uPlot.min.css', '/report.js']) {
      expect((await app.request(asset)).status, asset).toBe(200);
    }
  });

  it('asks for credentials a browser can give, and refuses a wrong token either way', async () => {
    const { app, id } = await soldOutCampaign();

    for (const headers of [{}, basic('wrong-token-0123456789'), { authorization: 'Bearer x' }]) {
      const res = await app.request(`/campaigns/${id}/report`, { headers });
      expect(res.status).toBe(401);
      expect(res.headers.get('www-authenticate')).toMatch(/^Basic realm="coupon admin"/);
      expect(res.headers.get('www-authenticate')).toContain('Bearer realm="admin"');
    }
    const unknown = await app.request(`/campaigns/${randomCampaignId()}/report`, {
      headers: bearer,
    });
    expect(unknown.status).toBe(404);
    expect(await unknown.json()).toMatchObject({ error: { code: 'CAMPAIGN_NOT_FOUND' } });
  });

  it('says admin is disabled when the service has no ADMIN_TOKEN', async () => {
    const { app } = await runtimeApp({});

    const res = await app.request(`/campaigns/default/report`);

    expect(res.status).toBe(404);
    expect(await res.json()).toMatchObject({ error: { code: 'ADMIN_DISABLED' } });
  });
});

describe('the report flush', () => {
  it('writes what the process still holds when it stops', async () => {
    const { app, runtime } = await runtimeApp({ ADMIN_TOKEN: TOKEN });
    startReportFlush(runtime);
    const id = randomCampaignId('stop');
    await createCampaignAsAdmin(app, TOKEN, { id, name: 'Last second', totalQuantity: 5 });
    await app.request(`/campaigns/${id}/issuances`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ userId: 'late-user' }),
    });

    await runtime.lifecycle.stop();

    const record = await runtime.ports.reports.read(id);
    expect(record.seconds.map((s) => s.answers)).toEqual([{ issued: 1 }]);
  });
});

describe('GET /stats/recent', () => {
  it("lists the last minutes of every campaign's answers, from the report store", async () => {
    const { app, id } = await soldOutCampaign();

    const res = await app.request('/stats/recent');
    const body = (await res.json()) as {
      from: string;
      to: string;
      campaigns: {
        campaignId: string;
        seconds: { at: string; answers: Record<string, number> }[];
      }[];
    };

    expect(res.status).toBe(200);
    expect(Date.parse(body.to) - Date.parse(body.from)).toBe(599_000);
    const mine = body.campaigns.find((c) => c.campaignId === id);
    expect(mine?.seconds.reduce((n, s) => n + (s.answers['sold-out'] ?? 0), 0)).toBe(2);
  });
});
