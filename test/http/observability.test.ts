import { Writable } from 'node:stream';
import { register, Registry } from 'prom-client';
import { describe, expect, it } from 'vitest';
import { createHttpApp } from '../../src/adapters/http/app.ts';
import type { HttpDependencies } from '../../src/adapters/http/http-dependencies.ts';
import { createPinoLogger } from '../../src/adapters/logging/pino-logger.ts';
import { InMemoryCouponConsumer } from '../../src/adapters/memory/in-memory-coupon-consumer.ts';
import { CouponMetrics } from '../../src/adapters/metrics/coupon-metrics.ts';
import { MeteredApplyForCoupon } from '../../src/adapters/metrics/metered-apply-for-coupon.ts';
import { MeteredIssuanceLedger } from '../../src/adapters/metrics/metered-issuance-ledger.ts';
import { ApplyForCoupon } from '../../src/application/issue/apply-for-coupon.ts';
import { LedgerUnavailableError } from '../../src/application/errors.ts';
import type { IssuanceLedger } from '../../src/application/ports/issuance-ledger.port.ts';
import type { Logger } from '../../src/application/ports/logger.port.ts';
import { loadConfig } from '../../src/bootstrap/config.ts';
import { startMetricsServer } from '../../src/bootstrap/runtime/http.ts';
import { MEMORY_LOG } from '../../src/bootstrap/wiring/adapters-memory.ts';
import type { CampaignId } from '../../src/domain/ids.ts';
import { createCampaignAsAdmin, useRuntimeApps } from '../support/http-runtime.ts';
import { randomCampaignId, userIds } from '../support/mothers.ts';
import { CapturingLogger, silentLogger } from '../support/test-logger.ts';

const ADMIN = 'observability-admin-token-0123';
const runtimeApp = useRuntimeApps();

/** The embedded wiring (memory adapters) with its own metrics registry, as one process has. */
async function service(logger: Logger = silentLogger, env: Record<string, string> = {}) {
  const { app, runtime } = await runtimeApp({ ADMIN_TOKEN: ADMIN, ...env }, logger);
  const json = (path: string, body: unknown, headers: Record<string, string> = {}) =>
    app.request(path, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...headers },
      body: JSON.stringify(body),
    });
  const createCampaign = async (fields: Record<string, unknown> = {}) => {
    const id = randomCampaignId('obs');
    await createCampaignAsAdmin(app, ADMIN, {
      id,
      name: 'Observed drop',
      totalQuantity: 3,
      ...fields,
    });
    return id;
  };
  const apply = (campaignId: string, userId: string) =>
    json(`/campaigns/${campaignId}/issuances`, { userId });
  const scrape = async () => {
    const res = await app.request('/metrics');
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^text\/plain; version=0\.0\.4/);
    return res.text();
  };
  return { app, runtime, createCampaign, apply, scrape };
}

/** The value of one sample line, e.g. `coupon_apply_decisions_total{outcome="issued"}`. */
function sample(exposition: string, series: string): number | undefined {
  const line = exposition.split('\n').find((l) => l.startsWith(`${series} `));
  return line === undefined ? undefined : Number(line.slice(series.length + 1));
}

describe('GET /metrics', () => {
  it('counts apply decisions by outcome and requests by route pattern, never by user id', async () => {
    const { createCampaign, apply, scrape, runtime, app } = await service();
    const campaignId = await createCampaign({ totalQuantity: 2 });
    const future = await createCampaign({
      startsAt: new Date(Date.now() + 3_600_000).toISOString(),
    });
    const past = await createCampaign({
      startsAt: new Date(Date.now() - 7_200_000).toISOString(),
      endsAt: new Date(Date.now() - 3_600_000).toISOString(),
    });
    // Known to the catalog but not to the ledger: what a Redis that lost its data looks like.
    const lost = randomCampaignId('lost');
    await runtime.ports.campaigns.create({
      id: lost,
      name: 'Lost',
      totalQuantity: 5,
      perUserLimit: 1,
    });
    const users = userIds(4, 'secret-user');

    expect((await apply(campaignId, users[0]!)).status).toBe(201);
    expect((await apply(campaignId, users[1]!)).status).toBe(201);
    expect((await apply(campaignId, users[0]!)).status).toBe(409);
    expect((await apply(campaignId, users[2]!)).status).toBe(410);
    expect((await apply(campaignId, users[3]!)).status).toBe(410);
    expect((await apply(future, users[0]!)).status).toBe(403);
    expect((await apply(past, users[0]!)).status).toBe(403);
    expect((await apply('no-such-campaign', users[0]!)).status).toBe(404);
    expect((await apply(lost, users[0]!)).status).toBe(503);
    expect((await app.request(`/campaigns/${campaignId}/issuances/${users[0]!}`)).status).toBe(200);

    const text = await scrape();
    const decisions = (outcome: string) =>
      sample(text, `coupon_apply_decisions_total{outcome="${outcome}"}`);
    expect(decisions('issued')).toBe(2);
    expect(decisions('already-issued')).toBe(1);
    expect(decisions('sold-out')).toBe(2);
    expect(decisions('not-open')).toBe(1);
    expect(decisions('closed')).toBe(1);
    expect(decisions('unknown-campaign')).toBe(1);
    expect(decisions('ledger-not-ready')).toBe(1);
    expect(decisions('error')).toBe(0);

    const requests = (route: string, status: number) =>
      sample(text, `http_requests_total{method="POST",route="${route}",status="${status}"}`);
    expect(requests('/campaigns/:campaignId/issuances', 201)).toBe(2);
    expect(requests('/campaigns/:campaignId/issuances', 410)).toBe(2);
    expect(requests('/admin/campaigns', 201)).toBe(3);
    expect(
      sample(
        text,
        'http_requests_total{method="GET",route="/campaigns/:campaignId/issuances/:userId",status="200"}',
      ),
    ).toBe(1);
    expect(text).toContain(
      'coupon_ledger_call_duration_seconds_bucket{le="0.0005",operation="reserve",result="ok"}',
    );
    // The applies that can still be decided either way: the two grants, the not-open and the lost
    // campaign. The unknown campaign, which neither the catalog nor the ledger knows, is answered
    // by the gate without a reserve (GatedCampaigns); the sold-out and the closed campaign's
    // answers (409, 410, 410, 403) come from the ledger's settled answer, without one either.
    expect(
      sample(text, 'coupon_ledger_call_duration_seconds_count{operation="reserve",result="ok"}'),
    ).toBe(4);
    expect(text).toContain('http_request_duration_seconds_bucket');

    // No user id (nor campaign id) ever becomes a label value.
    for (const user of users) expect(text).not.toContain(user);
    expect(text).not.toContain(campaignId);
    expect(text).not.toContain('secret-user');
  });

  it('reports outbox depth, relay and consumer batch sizes and lag, and open failures', async () => {
    const { createCampaign, apply, scrape, runtime } = await service();
    const campaignId = await createCampaign({ totalQuantity: 10 });
    for (const user of userIds(4)) expect((await apply(campaignId, user)).status).toBe(201);

    const before = await scrape();
    expect(sample(before, 'coupon_outbox_depth')).toBe(4);
    expect(sample(before, 'coupon_failed_issuance_open')).toBe(0);

    const { container } = runtime;
    expect(await runtime.core.relayIssuedCoupons.relayBatch(100, 0)).toBe(4);
    const consumer = new InMemoryCouponConsumer(
      container.get(MEMORY_LOG),
      runtime.core.recordIssuedCoupons,
    );
    expect(await consumer.step()).toBe(4);

    const after = await scrape();
    expect(sample(after, 'coupon_relay_batch_size_count')).toBe(1);
    expect(sample(after, 'coupon_relay_batch_size_sum')).toBe(4);
    expect(sample(after, 'coupon_relay_published_total')).toBe(4);
    expect(sample(after, 'coupon_relay_lag_seconds_count')).toBe(1);
    expect(sample(after, 'coupon_relay_lag_seconds_bucket{le="+Inf"}')).toBe(1);
    expect(sample(after, 'coupon_consumer_batch_size_count')).toBe(1);
    expect(sample(after, 'coupon_consumer_batch_size_sum')).toBe(4);
    expect(sample(after, 'coupon_consumer_lag_seconds_count')).toBe(1);
    expect(sample(after, 'coupon_consumer_saved_total')).toBe(4);
    expect(sample(after, 'coupon_relay_lag_seconds_sum')).toBeLessThan(5);
  });

  it('counts an apply whose ledger is unreachable as outcome "error", and the ledger call as result="error"', async () => {
    const metrics = new CouponMetrics(new Registry(), { processMetrics: false });
    const broken: IssuanceLedger = {
      define: () => Promise.reject(new LedgerUnavailableError()),
      reserve: () => Promise.reject(new LedgerUnavailableError(new Error('ECONNREFUSED'))),
      collect: () => Promise.reject(new LedgerUnavailableError()),
      findGrant: () => Promise.reject(new LedgerUnavailableError()),
      tally: () => Promise.reject(new LedgerUnavailableError()),
      settledAnswer: () => undefined,
    };
    const campaigns = {
      create: async () => true,
      find: async () => undefined,
      list: async () => [],
      update: async () => undefined,
    };
    const useCase = new MeteredApplyForCoupon(
      new ApplyForCoupon(
        new MeteredIssuanceLedger(broken, metrics),
        campaigns,
        { now: () => new Date() },
        { request: () => undefined },
      ),
      metrics,
    );
    await expect(useCase.execute('c' as CampaignId, userIds(1)[0]!)).rejects.toBeInstanceOf(
      LedgerUnavailableError,
    );
    const text = await metrics.exposition();
    expect(sample(text, 'coupon_apply_decisions_total{outcome="error"}')).toBe(1);
    expect(
      sample(text, 'coupon_ledger_call_duration_seconds_count{operation="reserve",result="error"}'),
    ).toBe(1);
  });

  it('has its own registry per process: nothing lands in prom-client’s global registry', async () => {
    const { createCampaign, apply } = await service();
    await apply(await createCampaign(), 'someone');
    expect(register.getSingleMetric('coupon_apply_decisions_total')).toBeUndefined();
  });

  it('includes the Node process metrics when asked (the default for a process)', async () => {
    const metrics = new CouponMetrics(new Registry());
    const text = await metrics.exposition();
    expect(text).toContain('process_cpu_user_seconds_total');
    expect(text).toContain('nodejs_eventloop_lag_seconds');
  });
});

describe('the persistence audit’s figures (issue 22)', () => {
  it('shows grants without a row per campaign in /metrics and /health/ready, after a cycle', async () => {
    // No relay nor consumer runs here: the two grants stay without a row, still in the outbox.
    const { app, runtime, createCampaign, apply, scrape } = await service(silentLogger, {
      AUDIT_GRACE_MS: '0',
    });
    const campaignId = await createCampaign();
    const [first, second] = userIds(2);
    expect((await apply(campaignId, first!)).status).toBe(201);
    expect((await apply(campaignId, second!)).status).toBe(201);

    await runtime.persistenceAudit.run();

    const exposition = await scrape();
    expect(sample(exposition, `coupon_audit_grants_without_row{campaign="${campaignId}"}`)).toBe(2);
    expect(sample(exposition, `coupon_audit_rows_without_grant{campaign="${campaignId}"}`)).toBe(0);
    // Nothing was re-emitted: the outbox still holds them (in flight, not missing).
    expect(sample(exposition, 'coupon_audit_repairs_total')).toBe(0);
    const ready = (await (await app.request('/health/ready')).json()) as {
      audit: { grantsWithoutRow: number; unclean: { campaignId: string; deferred?: string }[] };
    };
    expect(ready.audit.grantsWithoutRow).toBe(2);
    expect(ready.audit.unclean).toEqual([
      expect.objectContaining({ campaignId, missing: 2, deferred: 'outbox' }),
    ]);
  });
});

describe('GET /stats and GET /campaigns (public, read-only, for the dashboard)', () => {
  it('exposes the cumulative decision counters as JSON', async () => {
    const { app, createCampaign, apply } = await service();
    const campaignId = await createCampaign({ totalQuantity: 1 });
    await apply(campaignId, 'first');
    await apply(campaignId, 'second');
    const res = await app.request('/stats');
    expect(res.status).toBe(200);
    expect(res.headers.get('cache-control')).toBe('no-store');
    const body = (await res.json()) as Record<string, unknown>;
    expect(body).toMatchObject({
      decisions: { issued: 1, 'sold-out': 1, 'already-issued': 0, error: 0 },
      outboxDepth: 1,
      failedOpen: 0,
    });
    expect(Date.parse(body['at'] as string)).not.toBeNaN();
  });

  it('lists every campaign with its counts, without the admin token', async () => {
    const { app, createCampaign, apply } = await service();
    const campaignId = await createCampaign({ totalQuantity: 3 });
    await apply(campaignId, 'someone');
    const res = await app.request('/campaigns');
    expect(res.status).toBe(200);
    const { campaigns } = (await res.json()) as { campaigns: Record<string, unknown>[] };
    expect(campaigns.find((c) => c['campaignId'] === campaignId)).toMatchObject({
      totalQuantity: 3,
      issued: 1,
      remaining: 2,
      persisted: 0,
      ledgerReady: true,
    });
  });
});

describe('request ids', () => {
  it('echoes a sane incoming X-Request-Id', async () => {
    const { app } = await service();
    const res = await app.request('/health/live', {
      headers: { 'x-request-id': 'gw-01.abc_DEF-9' },
    });
    expect(res.headers.get('x-request-id')).toBe('gw-01.abc_DEF-9');
  });

  it.each([
    ['too long', 'a'.repeat(65)],
    ['spaces', 'a b'],
    ['a header injection attempt', 'abc%0d%0aSet-Cookie:x=1'],
    ['an equals sign', 'abc=='],
    ['empty', ''],
  ])('replaces an incoming id with %s by a fresh UUID', async (_what, incoming) => {
    const { app } = await service();
    const res = await app.request('/health/live', { headers: { 'x-request-id': incoming } });
    expect(res.headers.get('x-request-id')).toMatch(/^[0-9a-f-]{36}$/);
  });

  it('is on every response: 404, 415, 413, 400 and 500 included', async () => {
    const { app } = await service();
    const responses = [
      await app.request('/nowhere'),
      await app.request('/campaigns/default/issuances', { method: 'POST', body: 'x' }),
      await app.request('/campaigns/default/issuances', {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ userId: 'x'.repeat(10_000) }),
      }),
      await app.request('/campaigns/default/issuances', {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: '{not json',
      }),
    ];
    expect(responses.map((r) => r.status)).toEqual([404, 415, 413, 400]);
    for (const res of responses) expect(res.headers.get('x-request-id')).toMatch(/^[0-9a-f-]{36}$/);

    const failing = createHttpApp(fakeDeps(silentLogger));
    const res = await failing.request('/campaigns/c/issuances', {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-request-id': 'req-500' },
      body: JSON.stringify({ userId: 'u' }),
    });
    expect(res.status).toBe(500);
    expect(res.headers.get('x-request-id')).toBe('req-500');
  });
});

describe('request logs', () => {
  it('writes one debug line per request with method, route, status, duration and request id', async () => {
    const logger = new CapturingLogger();
    const { app, createCampaign } = await service(logger);
    const campaignId = await createCampaign();
    logger.clear();
    await app.request(`/campaigns/${campaignId}/issuances/alice`, {
      headers: { 'x-request-id': 'r-1' },
    });
    const lines = logger.entries.filter((e) => e.message === 'request');
    expect(lines).toHaveLength(1);
    expect(lines[0]!.level).toBe('debug');
    expect(lines[0]!.context).toMatchObject({
      reqId: 'r-1',
      method: 'GET',
      route: '/campaigns/:campaignId/issuances/:userId',
      status: 200,
    });
    expect((lines[0]!.context as { durationMs: number }).durationMs).toBeGreaterThanOrEqual(0);
    expect(logger.at('info')).toHaveLength(0);
  });

  it('logs an unexpected error once, with its cause and the request id', async () => {
    const logger = new CapturingLogger();
    const app = createHttpApp(fakeDeps(logger));
    await app.request('/campaigns/c/issuances', {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-request-id': 'req-err' },
      body: JSON.stringify({ userId: 'u' }),
    });
    const errors = logger.at('error');
    expect(errors).toHaveLength(1);
    const context = errors[0]!.context as { err: Error; reqId: string; route: string };
    expect(context.reqId).toBe('req-err');
    expect(context.route).toBe('/campaigns/:campaignId/issuances');
    expect((context.err.cause as Error).message).toBe('socket closed');
  });

  it('keeps one JSON line per entry whatever a client puts in the path, body or headers', async () => {
    const out: string[] = [];
    const sink = new Writable({
      write(chunk: Buffer, _encoding, done) {
        out.push(chunk.toString());
        done();
      },
    });
    const logger = createPinoLogger('debug', 'coupon-test', sink);
    const { app } = await service(logger);
    const forged = '"\n{"level":60,"msg":"forged"}\r\n\u2028';
    out.length = 0;
    const res = await app.request(
      `/campaigns/${encodeURIComponent(forged)}/issuances/${encodeURIComponent(forged)}`,
      { headers: { 'x-request-id': forged.replace(/[\r\n\u2028]/g, ' ') } },
    );
    expect(res.status).toBe(400);
    await app.request(`/campaigns/x/issuances`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ userId: forged }),
    });
    const failing = createHttpApp(fakeDeps(logger));
    // Its error message holds quotes and a newline too.
    await failing.request('/campaigns/c/issuances', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ userId: 'u' }),
    });

    const lines = out
      .join('')
      .split('\n')
      .filter((l) => l.length > 0);
    const entries = lines.map((l) => JSON.parse(l) as Record<string, unknown>);
    expect(entries.map((e) => e['msg'])).toEqual([
      'request',
      'request',
      'unhandled error',
      'request',
    ]);
    expect(entries.every((e) => e['level'] !== 60)).toBe(true);
    // The raw path (decoded) is in the line as a JSON string: present, but harmless.
    expect(entries[0]!['path']).toContain('"\n{"level"');
    expect(entries[0]!['route']).toBe('/campaigns/:campaignId/issuances/:userId');
    expect((entries[2]!['err'] as { message: string }).message).toBe('unexpected "quote"\nnewline');
  });
});

describe('the consumer’s ops server (METRICS_PORT)', () => {
  it('defaults METRICS_PORT to 9464', () => {
    expect(loadConfig({}).METRICS_PORT).toBe(9464);
    expect(loadConfig({ METRICS_PORT: '0' }).METRICS_PORT).toBe(0);
  });

  it('serves /metrics, /health/live and /health/ready on its own port', async () => {
    const { runtime } = await service(silentLogger, { HOST: '127.0.0.1' });
    const { url, port } = await startMetricsServer(runtime, 0);
    expect(port).toBeGreaterThan(0);
    expect((await fetch(`${url}/health/live`)).status).toBe(200);
    const ready = await fetch(`${url}/health/ready`);
    expect(ready.status).toBe(200);
    const metrics = await fetch(`${url}/metrics`);
    expect(metrics.status).toBe(200);
    const text = await metrics.text();
    expect(text).toContain('coupon_consumer_batch_size_bucket');
    expect(text).toContain('coupon_failed_issuance_open 0');
    expect((await fetch(`${url}/campaigns`)).status).toBe(404);
    await runtime.lifecycle.stop();
    await expect(fetch(`${url}/health/live`)).rejects.toThrow();
  });
});

describe('dashboard and docs assets', () => {
  it('serves the dashboard page, script and styles from this origin only', async () => {
    const { app } = await service();
    const page = await app.request('/');
    expect(page.status).toBe(200);
    expect(page.headers.get('content-type')).toBe('text/html; charset=utf-8');
    expect(page.headers.get('content-security-policy')).toContain("default-src 'none'");
    const html = await page.text();
    expect(html).toContain('<canvas id="chart"');
    expect(html).not.toMatch(/https?:\/\//);
    const script = await app.request('/dashboard.js');
    expect(script.headers.get('content-type')).toBe('text/javascript; charset=utf-8');
    expect(await script.text()).not.toMatch(/https?:\/\//);
    expect((await app.request('/dashboard.css')).status).toBe(200);
  });

  it('serves /docs (Swagger UI) and every file it loads itself, nothing from elsewhere', async () => {
    const { app } = await service();
    const res = await app.request('/docs');
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('text/html; charset=utf-8');
    const csp = res.headers.get('content-security-policy') ?? '';
    expect(csp).toContain("script-src 'self';");
    expect(csp).toContain("connect-src 'self';");
    const html = await res.text();
    expect(html).not.toMatch(/https?:\/\//);
    expect(html).not.toMatch(/<script>/); // no inline script: every one has a same-origin src
    const linked = [...html.matchAll(/(?:src|href)="([^"]+)"/g)]
      .map((m) => m[1]!)
      .filter((url) => !url.startsWith('data:')); // the empty favicon: no request at all
    expect(linked).toEqual(expect.arrayContaining(['/openapi.json']));
    for (const url of linked) {
      expect(url.startsWith('/'), url).toBe(true);
      const asset = await app.request(url);
      expect(asset.status, url).toBe(200);
      expect((await asset.text()).length, url).toBeGreaterThan(10);
    }
    expect(await (await app.request('/docs/docs.js')).text()).toContain("url: '/openapi.json'");
  });
});

/** HTTP dependencies whose apply use case fails unexpectedly (a bug, not an outage). */
function fakeDeps(logger: Logger): HttpDependencies {
  const fail = () =>
    Promise.reject(new Error('unexpected "quote"\nnewline', { cause: new Error('socket closed') }));
  const unused = { execute: fail };
  return {
    applyForCoupon: { execute: fail },
    getIssuanceStatus: unused as unknown as HttpDependencies['getIssuanceStatus'],
    getCampaignSummary: unused as unknown as HttpDependencies['getCampaignSummary'],
    listCampaigns: unused as unknown as HttpDependencies['listCampaigns'],
    createCampaign: unused as unknown as HttpDependencies['createCampaign'],
    operate: unused as unknown as HttpDependencies['operate'],
    healthChecks: [],
    logger,
    adminToken: undefined,
    bodyLimitBytes: 4096,
  };
}
