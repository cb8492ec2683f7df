import { SpanKind, SpanStatusCode, type Span } from '@opentelemetry/api';
import type {
  CouponPublisher,
  OutgoingCoupon,
} from '../../application/ports/coupon-publisher.port.ts';
import { COUPON_ATTRIBUTES, tracer } from './tracer.ts';
import { contextOf, formatTraceparent } from './traceparent.ts';

/**
 * The relay's publish as a step of each coupon's own trace: for every coupon that carries the
 * trace of its application (kept in the outbox entry), a PRODUCER span whose parent is that
 * application's reserve, and the coupon goes on with THIS span's traceparent, so the consumer's
 * batch links to the publish that delivered it. One span per coupon, not per batch: a batch
 * mixes hundreds of traces, and a span has one parent at most. Coupons without a trace (granted
 * while tracing was off) are published as they are.
 */
export class TracedCouponPublisher implements CouponPublisher {
  constructor(
    private readonly inner: CouponPublisher,
    private readonly topic: string,
  ) {}

  async publish(coupons: readonly OutgoingCoupon[]): Promise<void> {
    const spans: Span[] = [];
    const traced = coupons.map((coupon) => {
      if (coupon.trace === undefined) return coupon;
      const span = tracer.startSpan(
        `${this.topic} publish`,
        {
          kind: SpanKind.PRODUCER,
          attributes: {
            [COUPON_ATTRIBUTES.campaignId]: coupon.campaignId,
            [COUPON_ATTRIBUTES.userId]: coupon.userId,
            [COUPON_ATTRIBUTES.sequence]: coupon.sequence,
            'messaging.operation.name': 'publish',
            'messaging.destination.name': this.topic,
          },
        },
        contextOf(coupon.trace),
      );
      spans.push(span);
      const trace = formatTraceparent(span.spanContext());
      return trace === '' ? coupon : { ...coupon, trace };
    });
    try {
      await this.inner.publish(traced);
    } catch (error) {
      const message = error instanceof Error ? error.message : String(error);
      for (const span of spans) span.setStatus({ code: SpanStatusCode.ERROR, message });
      throw error;
    } finally {
      for (const span of spans) span.end();
    }
  }
}
