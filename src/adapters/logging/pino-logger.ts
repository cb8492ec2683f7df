import { pino } from 'pino';
import type { Logger } from '../../application/ports/logger.port.ts';

/**
 * JSON lines on stdout. pino escapes every string it writes, so a user id with quotes or
 * newlines can never break a log line or forge another one.
 */
export function createPinoLogger(level: string, name: string): Logger & { child(b: object): Logger } {
  return pino({
    name,
    level,
    base: { pid: process.pid, service: name },
    timestamp: pino.stdTimeFunctions.isoTime,
    serializers: { err: pino.stdSerializers.errWithCause },
  });
}
