import type { Logger } from '../../src/application/ports/logger.port.ts';

export type LogLevel = 'debug' | 'info' | 'warn' | 'error';

export interface LogEntry {
  readonly level: LogLevel;
  readonly context: object;
  readonly message: string;
}

/** A Logger that keeps every line in memory, so a test can assert what was (not) logged. */
export class CapturingLogger implements Logger {
  readonly entries: LogEntry[] = [];

  debug(context: object, message: string): void {
    this.entries.push({ level: 'debug', context, message });
  }

  info(context: object, message: string): void {
    this.entries.push({ level: 'info', context, message });
  }

  warn(context: object, message: string): void {
    this.entries.push({ level: 'warn', context, message });
  }

  error(context: object, message: string): void {
    this.entries.push({ level: 'error', context, message });
  }

  at(level: LogLevel): LogEntry[] {
    return this.entries.filter((entry) => entry.level === level);
  }

  clear(): void {
    this.entries.length = 0;
  }
}

/** Drops everything: for tests that do not look at the log. */
export const silentLogger: Logger = {
  debug: () => undefined,
  info: () => undefined,
  warn: () => undefined,
  error: () => undefined,
};
