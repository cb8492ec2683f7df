import { context, SpanKind, trace } from '@opentelemetry/api';
import { AsyncLocalStorageContextManager } from '@opentelemetry/context-async-hooks';
import {
  InMemorySpanExporter,
  SimpleSpanProcessor,
  TracerProvider,
} from '@opentelemetry/sdk-trace';
import { Hono } from 'hono';
import { Writable } from 'node:stream';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { requestSpan } from '../../src/adapters/http/request-span.ts';
import { createPinoLogger } from '../../src/adapters/logging/pino-logger.ts';
import { batchLinks } from '../../src/adapters/tracing/batch-links.ts';
import { TracedCouponPublisher } from '../../src/adapters/tracing/traced-coupon-publisher.ts';
import { TracedIssuanceLedger } from '../../src/adapters/tracing/traced-issuance-ledger.ts';
import { activeTraceparent } from '../../src/adapters/tracing/traceparent.ts';
import type { OutgoingCoupon } from '../../src/application/ports/coupon-publisher.port.ts';
import type { IssuanceLedger } from '../../src/application/ports/issuance-ledger.port.ts';
import type { CampaignId, UserId } from '../../src/domain/ids.ts';

/**
 * The tracing seams in one process, with the SDK's in-memory exporter: what each one makes of
 * the trace it is handed. (test/e2e/tracing.e2e.test.ts checks the same shape on the real
 * processes, across the Redis outbox and Kafka.)
 */
describe('tracing seams (in-memory exporter)', () => {
  const exporter = new InMemorySpanExporter();
  const provider = new TracerProvider({ spanProcessors: [new SimpleSpanProcessor({ exporter })] });

  beforeAll(() => {
    context.setGlobalContextManager(new AsyncLocalStorageContextManager().enable());
    trace.setGlobalTracerProvider(provider);
  });
  afterAll(async () => {
    await provider.shutdown();
    trace.disable();
    context.disable();
  });
  beforeEach(() => exporter.reset());

  /** A ledger that keeps the trace active when it runs, as the Redis one writes it to the outbox. */
  function recordingLedger(kept: string[]): IssuanceLedger {
    return {
      define: () => Promise.resolve({ kind: 'defined' }),
      findGrant: () => Promise.resolve({ kind: 'none' }),
      tally: () => Promise.resolve(undefined),
      settledAnswer: () => undefined,
      collect: () => Promise.reject(new Error('no shuffled opening here')),
      reserve: (campaignId, userId, now) => {
        kept.push(activeTraceparent());
        return Promise.resolve({
          kind: 'issued',
          coupon: { campaignId, userId, sequence: 1, issuedAt: now },
        });
      },
    };
  }

  it('HTTP span → reserve span, whose traceparent is what the ledger keeps; publish is its child', async () => {
    const kept: string[] = [];
    const ledger = new TracedIssuanceLedger(recordingLedger(kept));
    const app = new Hono();
    app.use('*', requestSpan());
    app.post('/campaigns/:campaignId/issuances', async (c) => {
      await ledger.reserve('c-1' as CampaignId, 'u-1' as UserId, new Date(1_000));
      return c.json({}, 201);
    });
    expect((await app.request('/campaigns/c-1/issuances', { method: 'POST' })).status).toBe(201);

    const [reserve, request] = exporter.getFinishedSpans();
    expect(request).toMatchObject({
      name: 'POST /campaigns/:campaignId/issuances',
      kind: SpanKind.SERVER,
      attributes: { 'coupon.campaign_id': 'c-1', 'coupon.user_id': 'u-1' },
    });
    expect(reserve).toMatchObject({
      name: 'coupon reserve',
      attributes: { 'coupon.outcome': 'issued', 'coupon.sequence': 1, 'coupon.user_id': 'u-1' },
    });
    expect(reserve?.parentSpanContext?.spanId).toBe(request?.spanContext().spanId);
    const reserveContext = reserve?.spanContext();
    expect(kept).toEqual([`00-${reserveContext?.traceId}-${reserveContext?.spanId}-01`]);

    // The relay, later and elsewhere, publishes with the trace kept in the outbox entry.
    const sent: OutgoingCoupon[] = [];
    const publisher = new TracedCouponPublisher(
      { publish: (coupons) => Promise.resolve(void sent.push(...coupons)) },
      'coupon-issued',
    );
    const coupon = { campaignId: 'c-1' as CampaignId, userId: 'u-1' as UserId, sequence: 1 };
    await publisher.publish([
      { ...coupon, issuedAt: new Date(1_000), trace: kept[0] ?? '' },
      { ...coupon, userId: 'untraced' as UserId, issuedAt: new Date(1_000) },
    ]);
    const publish = exporter.getFinishedSpans().find((s) => s.kind === SpanKind.PRODUCER);
    expect(publish?.name).toBe('coupon-issued publish');
    expect(publish?.spanContext().traceId).toBe(reserveContext?.traceId);
    expect(publish?.parentSpanContext?.spanId).toBe(reserveContext?.spanId);
    // What goes to Kafka carries the PUBLISH span's traceparent; a coupon without a trace, none.
    expect(sent.map((c) => c.trace)).toEqual([
      `00-${publish?.spanContext().traceId}-${publish?.spanContext().spanId}-01`,
      undefined,
    ]);
    expect(exporter.getFinishedSpans().filter((s) => s.kind === SpanKind.PRODUCER)).toHaveLength(1);

    // The consumer's batch links to it, with the coupon's ids on the link.
    expect(
      batchLinks([
        { traceparent: sent[0]?.trace, campaignId: 'c-1', userId: 'u-1' },
        { traceparent: undefined, campaignId: 'c-1', userId: 'untraced' },
      ]),
    ).toEqual([
      {
        context: { ...publish?.spanContext(), isRemote: true },
        attributes: { 'coupon.campaign_id': 'c-1', 'coupon.user_id': 'u-1' },
      },
    ]);
  });

  it('a failed publish marks its spans as errors', async () => {
    const publisher = new TracedCouponPublisher(
      { publish: () => Promise.reject(new Error('broker down')) },
      'coupon-issued',
    );
    const coupon = {
      campaignId: 'c-1' as CampaignId,
      userId: 'u-1' as UserId,
      sequence: 1,
      issuedAt: new Date(1_000),
      trace: `00-${'ab'.repeat(16)}-${'cd'.repeat(8)}-01`,
    };
    await expect(publisher.publish([coupon])).rejects.toThrow('broker down');
    expect(exporter.getFinishedSpans()[0]?.status).toMatchObject({ message: 'broker down' });
  });

  it('log lines written inside a span carry its trace_id and span_id', () => {
    const lines: string[] = [];
    const sink = new Writable({
      write(chunk: Buffer, _encoding, done) {
        lines.push(chunk.toString());
        done();
      },
    });
    const logger = createPinoLogger('info', 'test', sink, 'json', { traceIds: true });
    logger.info({}, 'outside');
    trace.getTracer('test').startActiveSpan('work', (span) => {
      logger.info({}, 'inside');
      span.end();
    });
    const [outside, inside] = lines.map((line) => JSON.parse(line) as Record<string, unknown>);
    expect(outside).not.toHaveProperty('trace_id');
    const span = exporter.getFinishedSpans()[0]?.spanContext();
    expect(inside).toMatchObject({ trace_id: span?.traceId, span_id: span?.spanId });
  });
});
