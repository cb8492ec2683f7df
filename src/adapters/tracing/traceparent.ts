import {
  ROOT_CONTEXT,
  TraceFlags,
  trace,
  type Context,
  type SpanContext,
} from '@opentelemetry/api';

/**
 * The W3C Trace Context `traceparent` of a coupon's application, as it travels with the coupon:
 * in the outbox entry (decide.lua writes it beside the coupon) and in the Kafka header of the
 * same name. `version-traceid-parentid-flags`, lowercase hex: `00-<32>-<16>-<2>`.
 * https://www.w3.org/TR/trace-context/#traceparent-header
 */
const TRACEPARENT = /^([0-9a-f]{2})-([0-9a-f]{32})-([0-9a-f]{16})-([0-9a-f]{2})(-.*)?$/;
const ZERO_TRACE = '0'.repeat(32);
const ZERO_SPAN = '0'.repeat(16);

/** The traceparent of a span context; '' for an invalid one (nothing to continue). */
export function formatTraceparent(context: SpanContext): string {
  if (context.traceId === ZERO_TRACE || context.spanId === ZERO_SPAN) return '';
  const flags = (context.traceFlags & 0xff).toString(16).padStart(2, '0');
  return `00-${context.traceId}-${context.spanId}-${flags}`;
}

/**
 * The remote span context a traceparent names, or undefined when there is none or it is not
 * one (empty, malformed, all-zero ids, the forbidden version ff, extra fields on version 00).
 * A bad value never fails the coupon: it only loses the trace.
 */
export function parseTraceparent(text: string | undefined): SpanContext | undefined {
  if (!text) return undefined;
  const match = TRACEPARENT.exec(text.trim());
  if (!match) return undefined;
  const [, version, traceId = '', spanId = '', flags = '00', rest] = match;
  if (version === 'ff' || (version === '00' && rest !== undefined)) return undefined;
  if (traceId === ZERO_TRACE || spanId === ZERO_SPAN) return undefined;
  return {
    traceId,
    spanId,
    traceFlags: Number.parseInt(flags, 16) & TraceFlags.SAMPLED,
    isRemote: true,
  };
}

/** A context whose parent is the span a traceparent names (the root context when it names none). */
export function contextOf(traceparent: string | undefined): Context {
  const parent = parseTraceparent(traceparent);
  return parent ? trace.setSpanContext(ROOT_CONTEXT, parent) : ROOT_CONTEXT;
}

/**
 * The traceparent of the span active here, or '' when none is (tracing off: no SDK registered,
 * so there is never an active span and this costs one lookup).
 */
export function activeTraceparent(): string {
  const span = trace.getActiveSpan();
  return span ? formatTraceparent(span.spanContext()) : '';
}
