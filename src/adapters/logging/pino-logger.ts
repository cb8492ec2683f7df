import { trace } from '@opentelemetry/api';
import { pino, type DestinationStream } from 'pino';
import pretty from 'pino-pretty';
import type { Logger } from '../../application/ports/logger.port.ts';

/** `auto`: readable lines when a person is watching, JSON lines otherwise. */
export type LogFormat = 'json' | 'pretty' | 'auto';

/**
 * A terminal on stdout means a person reads the lines as they come (`npm start`); anything else
 * (a pipe, a file, a container's log driver, systemd) is a machine, which wants one JSON object
 * per line. An explicit `json` or `pretty` wins either way.
 */
export function resolveLogFormat(format: LogFormat, stdoutIsTerminal: boolean): 'json' | 'pretty' {
  if (format === 'auto') return stdoutIsTerminal ? 'pretty' : 'json';
  return format;
}

/**
 * JSON lines on stdout (or `destination`), or readable lines (pino-pretty) for a person at a
 * terminal. In JSON, pino escapes every string it writes, so a user id or a raw request path
 * with quotes or newlines can never break a log line or forge another one; the readable format
 * is for watching, never for collecting. Errors under `err` are serialised with their `cause`
 * chain. `auto` decides on stdout being a terminal (a given `destination` is not one).
 */
export function createPinoLogger(
  level: string,
  name: string,
  destination?: DestinationStream,
  format: LogFormat = 'json',
  { traceIds = false }: { readonly traceIds?: boolean } = {},
): Logger & { child(b: object): Logger } {
  const options = {
    name,
    level,
    base: { pid: process.pid, service: name },
    timestamp: pino.stdTimeFunctions.isoTime,
    serializers: { err: pino.stdSerializers.errWithCause },
    // With tracing on, a line written inside a span names it, so a log line leads to its trace.
    ...(traceIds ? { mixin: activeSpanIds } : {}),
  };
  const terminal = destination === undefined && process.stdout.isTTY === true;
  if (resolveLogFormat(format, terminal) === 'pretty') {
    // Synchronous, like pino's own stdout: the last line before a process.exit is not lost.
    const readable = pretty({
      sync: true,
      ...(destination === undefined ? {} : { destination }),
      translateTime: 'SYS:HH:MM:ss.l',
      ignore: 'pid,hostname,service',
    });
    return pino(options, readable);
  }
  return destination ? pino(options, destination) : pino(options);
}

/** `trace_id` and `span_id` of the span active where the line is written (none: nothing). */
function activeSpanIds(): Record<string, string> {
  const span = trace.getActiveSpan();
  if (!span) return {};
  const { traceId, spanId } = span.spanContext();
  return { trace_id: traceId, span_id: spanId };
}
