import { pino, type DestinationStream } from 'pino';
import type { Logger } from '../../application/ports/logger.port.ts';

/**
 * JSON lines on stdout (or `destination`). pino escapes every string it writes, so a user id
 * or a raw request path with quotes or newlines can never break a log line or forge another
 * one. Errors under `err` are serialised with their `cause` chain.
 */
export function createPinoLogger(
  level: string,
  name: string,
  destination?: DestinationStream,
): Logger & { child(b: object): Logger } {
  const options = {
    name,
    level,
    base: { pid: process.pid, service: name },
    timestamp: pino.stdTimeFunctions.isoTime,
    serializers: { err: pino.stdSerializers.errWithCause },
  };
  return destination ? pino(options, destination) : pino(options);
}
