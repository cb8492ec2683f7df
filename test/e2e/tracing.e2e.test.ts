import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { useE2eSystem } from '../support/e2e-harness.ts';
import { waitFor } from '../support/e2e-wait.ts';
import { OtlpReceiver, SPAN_KIND, type ReceivedSpan } from '../support/otlp-receiver.ts';

/**
 * One application is one trace, on the real api and consumer processes over the real Redis,
 * Kafka and MariaDB, exported by OTLP (what an operator configures: docs/operations.md) to a
 * receiver in this test: the HTTP span → the reserve → the relay's publish (across the Redis
 * outbox) → the consumer's batch, which links to it (across Kafka) → the insert.
 */
describe('e2e: tracing, from the click to the row', () => {
  const system = useE2eSystem();
  let receiver: OtlpReceiver;

  beforeAll(async () => {
    receiver = await OtlpReceiver.start();
  });
  afterAll(async () => {
    await receiver.close();
  });

  it('one application yields the linked spans, with campaign and user on them', async () => {
    const tracing = {
      OTEL_TRACES_EXPORTER: 'otlp',
      OTEL_EXPORTER_OTLP_ENDPOINT: receiver.endpoint,
      OTEL_BSP_SCHEDULE_DELAY: '100',
    };
    const api = await system.startApi(tracing);
    await system.startConsumer(tracing);
    const campaignId = await system.createCampaign(api, 5);
    const userId = `traced-${Date.now()}`;

    const response = await fetch(`${api.url}/campaigns/${campaignId}/issuances`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ userId }),
    });
    expect(response.status).toBe(201);

    const ofUser = (span: ReceivedSpan) => span.attributes['coupon.user_id'] === userId;
    const shape = await waitFor(
      'the spans of one application, from the HTTP request to the insert',
      async () => {
        const spans = receiver.spans;
        const request = spans.find((s) => s.kind === SPAN_KIND.server && ofUser(s));
        const reserve = spans.find((s) => s.name === 'coupon reserve' && ofUser(s));
        const publish = spans.find((s) => s.kind === SPAN_KIND.producer && ofUser(s));
        const batch = spans.find(
          (s) =>
            s.kind === SPAN_KIND.consumer &&
            s.links.some((link) => link.spanId === publish?.spanId),
        );
        const insert = spans.find(
          (s) => s.name === 'INSERT coupon' && batch && s.parentSpanId === batch.spanId,
        );
        return request && reserve && publish && batch && insert
          ? { request, reserve, publish, batch, insert }
          : undefined;
      },
      { timeoutMs: 30_000, state: () => receiver.spans.map((s) => s.name).join(', ') },
    );
    const { request, reserve, publish, batch, insert } = shape;

    // The HTTP span starts the trace; the reserve is its child, with campaign and user.
    expect(request).toMatchObject({
      service: 'coupon-api',
      name: 'POST /campaigns/:campaignId/issuances',
      parentSpanId: '',
      attributes: {
        'coupon.campaign_id': campaignId,
        'coupon.user_id': userId,
        'http.response.status_code': 201,
      },
    });
    expect(reserve).toMatchObject({
      service: 'coupon-api',
      traceId: request.traceId,
      parentSpanId: request.spanId,
      attributes: {
        'coupon.campaign_id': campaignId,
        'coupon.user_id': userId,
        'coupon.outcome': 'issued',
        'coupon.sequence': 1,
      },
    });
    // The relay (another moment, another task) publishes in the same trace: the trace context
    // travelled in the outbox entry, and the publish is the reserve's child.
    expect(publish).toMatchObject({
      service: 'coupon-api',
      traceId: request.traceId,
      parentSpanId: reserve.spanId,
      attributes: { 'coupon.campaign_id': campaignId, 'coupon.user_id': userId },
    });
    // The consumer's batch has one parent at most, so it LINKS to each coupon's trace (through
    // the Kafka header), with the coupon's campaign and user on the link.
    expect(batch.service).toBe('coupon-consumer');
    expect(batch.links).toContainEqual({
      traceId: request.traceId,
      spanId: publish.spanId,
      attributes: { 'coupon.campaign_id': campaignId, 'coupon.user_id': userId },
    });
    // The insert is the batch's child, in the batch's trace.
    expect(insert).toMatchObject({
      service: 'coupon-consumer',
      traceId: batch.traceId,
      kind: SPAN_KIND.client,
      attributes: { 'db.operation.name': 'INSERT', 'db.collection.name': 'coupon' },
    });
    // And the row is there: the trace ends where the coupon does.
    await waitFor('the coupon row', async () =>
      (await system.probes.rowCounts(campaignId)).rows === 1 ? true : undefined,
    );
  });
});
