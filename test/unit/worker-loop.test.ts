import { afterEach, describe, expect, it } from 'vitest';
import { WorkerLoop, type WorkerLoopOptions } from '../../src/application/worker-loop.ts';
import { StoreUnavailableError } from '../../src/application/errors.ts';
import { CapturingLogger } from '../support/test-logger.ts';
import { eventually } from './fakes.ts';

const fast: WorkerLoopOptions = { idleDelayMs: 1, minBackoffMs: 1, maxBackoffMs: 4 };
/** Long enough that a test never sees the loop wake up on its own. */
const asleep: WorkerLoopOptions = {
  idleDelayMs: 60_000,
  minBackoffMs: 60_000,
  maxBackoffMs: 60_000,
};

describe('WorkerLoop', () => {
  const loops: WorkerLoop[] = [];
  const loop = (
    step: () => Promise<number>,
    options: WorkerLoopOptions,
    logger = new CapturingLogger(),
  ) => {
    const created = new WorkerLoop('test', step, options, logger);
    loops.push(created);
    return created;
  };

  afterEach(async () => {
    await Promise.all(loops.splice(0).map((l) => l.stop(0)));
  });

  it('keeps stepping, backs off on failures with doubling pauses up to the cap, and recovers', async () => {
    const logger = new CapturingLogger();
    // Five failures, then success (nothing to do) forever after.
    let calls = 0;
    const worker = loop(
      async () => {
        calls += 1;
        if (calls <= 5) throw new StoreUnavailableError();
        return 0;
      },
      fast,
      logger,
    );

    worker.start();
    await eventually(() => calls >= 8, { what: '8 steps' });
    await worker.stop(0);

    const failures = logger.entries.filter((e) => e.message === 'worker step failed');
    expect(failures.map((e) => (e.context as { retryInMs: number }).retryInMs)).toEqual([
      1, 2, 4, 4, 4,
    ]);
    expect(failures.map((e) => (e.context as { failures: number }).failures)).toEqual([
      1, 2, 3, 4, 5,
    ]);
    // The first failure is a warning; repeats are debug so an outage does not flood the log.
    expect(failures.map((e) => e.level)).toEqual(['warn', 'debug', 'debug', 'debug', 'debug']);
    expect(logger.at('info').map((e) => e.message)).toEqual(['worker recovered']);
    expect(logger.at('error')).toEqual([]);
  });

  it('starts the backoff from the minimum again after a recovery', async () => {
    const logger = new CapturingLogger();
    // fail, fail, ok, fail, then ok forever
    const script = ['fail', 'fail', 'ok', 'fail'];
    let calls = 0;
    const worker = loop(
      async () => {
        const what = script[calls++] ?? 'ok';
        if (what === 'fail') throw new Error('boom');
        return 0;
      },
      { ...fast, minBackoffMs: 2, maxBackoffMs: 100 },
      logger,
    );

    worker.start();
    await eventually(() => calls >= 6, { what: '6 steps' });
    await worker.stop(0);

    const pauses = logger.entries
      .filter((e) => e.message === 'worker step failed')
      .map((e) => (e.context as { retryInMs: number }).retryInMs);
    expect(pauses).toEqual([2, 4, 2]);
    expect(logger.at('info').map((e) => e.message)).toEqual([
      'worker recovered',
      'worker recovered',
    ]);
  });

  it('never runs two steps at once, even when started twice', async () => {
    let active = 0;
    let maxActive = 0;
    let calls = 0;
    const worker = loop(async () => {
      active += 1;
      maxActive = Math.max(maxActive, active);
      calls += 1;
      await new Promise((resolve) => setTimeout(resolve, 1));
      active -= 1;
      return 1;
    }, fast);

    worker.start();
    worker.start();
    await eventually(() => calls >= 10, { what: '10 steps' });
    await worker.stop(0);

    expect(maxActive).toBe(1);
  });

  it('stop() wakes a sleeping loop and drains: steps until there is no work left', async () => {
    const queue: number[] = [];
    let calls = 0;
    const worker = loop(async () => {
      calls += 1;
      return queue.splice(0, 2).length;
    }, asleep);
    worker.start();
    await eventually(() => calls === 1, { what: 'the first (idle) step' });
    // The loop now sleeps for a minute; work arrives that only the drain can see.
    queue.push(1, 2, 3, 4, 5);

    await worker.stop();

    expect(queue).toEqual([]);
    // 1 idle step, then the drain: 2 + 2 + 1 items, then one step that finds nothing.
    expect(calls).toBe(5);
  });

  it('stop() lets the step in progress finish before draining', async () => {
    let release: () => void = () => undefined;
    let finished = 0;
    let calls = 0;
    const worker = loop(async () => {
      calls += 1;
      if (calls === 1) {
        await new Promise<void>((resolve) => (release = resolve));
        finished += 1;
        return 1;
      }
      return 0;
    }, asleep);
    worker.start();
    await eventually(() => calls === 1, { what: 'the first step' });

    const stopped = worker.stop();
    let resolved = false;
    void stopped.then(() => (resolved = true));
    await new Promise((resolve) => setImmediate(resolve));
    expect(resolved).toBe(false);
    release();
    await stopped;

    expect(finished).toBe(1);
    expect(calls).toBe(2); // the in-flight step, then one drain step that found nothing
  });

  it('gives up draining when a drain step fails, and still resolves', async () => {
    const logger = new CapturingLogger();
    let calls = 0;
    const worker = loop(
      async () => {
        calls += 1;
        if (calls === 1) return 0;
        throw new StoreUnavailableError();
      },
      asleep,
      logger,
    );
    worker.start();
    await eventually(() => calls === 1, { what: 'the first step' });

    await expect(worker.stop()).resolves.toBeUndefined();

    expect(calls).toBe(2);
    expect(logger.at('warn').map((e) => e.message)).toEqual(['drain step failed; giving up drain']);
  });

  it('stop(0) does not drain', async () => {
    let calls = 0;
    const worker = loop(async () => {
      calls += 1;
      return 0;
    }, asleep);
    worker.start();
    await eventually(() => calls === 1, { what: 'the first step' });

    await worker.stop(0);

    expect(calls).toBe(1);
  });

  it('stop() before start() does nothing', async () => {
    let calls = 0;
    const worker = loop(async () => {
      calls += 1;
      return 0;
    }, fast);

    await worker.stop();

    expect(calls).toBe(0);
  });
});
