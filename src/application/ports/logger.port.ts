/** Structured log lines: a context object first, then a short message. */
export interface Logger {
  debug(context: object, message: string): void;
  info(context: object, message: string): void;
  warn(context: object, message: string): void;
  error(context: object, message: string): void;
  /**
   * Whether lines of `level` are written at all, so a caller can skip building a line nobody
   * reads (the per-request debug line). Absent means every level is written.
   */
  isLevelEnabled?(level: 'debug' | 'info' | 'warn' | 'error'): boolean;
}
