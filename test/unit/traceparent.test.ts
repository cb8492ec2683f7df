import { TraceFlags } from '@opentelemetry/api';
import { describe, expect, it } from 'vitest';
import {
  activeTraceparent,
  formatTraceparent,
  parseTraceparent,
} from '../../src/adapters/tracing/traceparent.ts';

const TRACE = '4bf92f3577b34da6a3ce929d0e0e4736';
const SPAN = '00f067aa0ba902b7';

/** The W3C traceparent that travels with a coupon (outbox entry, Kafka header). */
describe('traceparent codec', () => {
  it('reads a sampled and an unsampled traceparent as a remote span context', () => {
    expect(parseTraceparent(`00-${TRACE}-${SPAN}-01`)).toEqual({
      traceId: TRACE,
      spanId: SPAN,
      traceFlags: TraceFlags.SAMPLED,
      isRemote: true,
    });
    expect(parseTraceparent(`00-${TRACE}-${SPAN}-00`)?.traceFlags).toBe(TraceFlags.NONE);
  });

  it('writes what it reads', () => {
    for (const flags of ['00', '01']) {
      const text = `00-${TRACE}-${SPAN}-${flags}`;
      const context = parseTraceparent(text);
      expect(context && formatTraceparent(context)).toBe(text);
    }
  });

  it('reads a later version by its first four fields, as the spec asks', () => {
    expect(parseTraceparent(`01-${TRACE}-${SPAN}-01-later-fields`)?.spanId).toBe(SPAN);
  });

  it('finds no trace in what is not one: a bad value loses the trace, never the coupon', () => {
    for (const bad of [
      undefined,
      '',
      'nope',
      `00-${TRACE}-${SPAN}`,
      `00-${TRACE.toUpperCase()}-${SPAN}-01`,
      `00-${'0'.repeat(32)}-${SPAN}-01`,
      `00-${TRACE}-${'0'.repeat(16)}-01`,
      `ff-${TRACE}-${SPAN}-01`,
      `00-${TRACE}-${SPAN}-01-extra`,
    ]) {
      expect(parseTraceparent(bad), String(bad)).toBeUndefined();
    }
  });

  it('writes nothing for an invalid span context', () => {
    expect(formatTraceparent({ traceId: '0'.repeat(32), spanId: SPAN, traceFlags: 1 })).toBe('');
  });

  it('is empty where no span is active (tracing off)', () => {
    expect(activeTraceparent()).toBe('');
  });
});
