import { SpanStatusCode, trace, type Span } from '@opentelemetry/api';

/**
 * The service's tracer. Through the API's global proxy: until the SDK is registered (only when
 * tracing is configured, src/bootstrap/runtime/tracing.ts) every span is a no-op.
 */
export const tracer = trace.getTracer('coupon-issuance');

/** The attributes every coupon span carries, so one search finds a user's whole story. */
export const COUPON_ATTRIBUTES = {
  campaignId: 'coupon.campaign_id',
  userId: 'coupon.user_id',
  sequence: 'coupon.sequence',
  outcome: 'coupon.outcome',
  count: 'coupon.count',
} as const;

/** Runs `work` and ends `span` after it; a throw is recorded on the span and rethrown. */
export async function ending<T>(span: Span, work: () => Promise<T>): Promise<T> {
  try {
    return await work();
  } catch (error) {
    span.recordException(error instanceof Error ? error : String(error));
    span.setStatus({
      code: SpanStatusCode.ERROR,
      message: error instanceof Error ? error.message : String(error),
    });
    throw error;
  } finally {
    span.end();
  }
}
