import type { Runtime } from '../wiring/container.ts';

/** Just after each second's boundary, so a window is one wall-clock second when the loop is idle. */
const AFTER_BOUNDARY_MS = 5;

/**
 * The campaign report's flush (FlushReportTally), once a second, in every process that counts:
 * the API (answers), the consumer (grant → row delays), the embedded mode (both). Started before
 * the HTTP server and the consumer, so it stops after them and its last flush holds their last
 * answers and rows (the lifecycle stops in reverse order; the store's connection closes later).
 */
export function startReportFlush(runtime: Pick<Runtime, 'core' | 'lifecycle'>): void {
  const { core, lifecycle } = runtime;
  const flush = core.flushReport;
  let timer: NodeJS.Timeout | undefined;
  const schedule = () => {
    timer = setTimeout(
      () => {
        // Never rejects: a failed write is kept for the next second and logged by the use case.
        void flush.tick();
        schedule();
      },
      1000 - (Date.now() % 1000) + AFTER_BOUNDARY_MS,
    );
    timer.unref();
  };
  schedule();
  lifecycle.onStop('report-flush', async () => {
    clearTimeout(timer);
    await flush.flushNow();
  });
}
