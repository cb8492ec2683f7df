import { afterAll, describe, expect, it } from 'vitest';
import { standaloneLedger, useE2eSystem } from '../support/e2e-harness.ts';
import { CrashableRedis, type CrashReport } from '../support/e2e-crashable-redis.ts';
import { ledgerFaultScenario } from '../support/e2e-ledger-fault.ts';

/**
 * Scenario (a): the ledger's Redis (`appendfsync always`, as scripts/services.sh runs it) is
 * SIGKILLed mid-stampede. No clean shutdown: what survives is what Redis had written to its AOF,
 * and with `always` it writes and fsyncs a grant before it replies. The restarted Redis is a new
 * server process, so every campaign is fenced until the API reconciled it (LEDGER_NOT_READY).
 */
describe('fault: the ledger Redis SIGKILLed mid-grants', () => {
  const system = useE2eSystem();

  it('loses no grant that was answered 201, over-issues nothing, tells nobody twice', async () => {
    await ledgerFaultScenario(system, {
      name: 'redis-kill',
      inject: () => system.faults.kill('redis'),
      recover: () => system.faults.start('redis'),
      faultAnswers: ['LEDGER_UNAVAILABLE'],
    });
  });
});

/**
 * Scenario (b): a machine crash. A SIGKILL keeps everything Redis had written (the kernel still
 * holds it in its page cache and writes it out later); a power cut keeps only what had been
 * fsynced. The crashable Redis runs under an LD_PRELOAD shim that records, after every fsync and
 * fdatasync, the file and its size: after the SIGKILL every file is cut back to its size at its
 * last fsync, so Redis restarts from exactly what stable storage held. That is the worst case a
 * crash can leave (a real disk may hold more of the unsynced tail, never less of the synced part).
 * With `appendfsync always` the cut holds no answered grant: Redis fsyncs before it replies.
 */
describe('fault: the ledger machine crashes (only fsynced data survives)', async () => {
  const redis = await CrashableRedis.on();
  // Registered before the system's own hooks, so it runs after them (vitest runs after-hooks
  // in reverse): the system forgets its keys on this Redis before it goes away.
  afterAll(async () => {
    await redis.close();
  });
  const system = useE2eSystem(standaloneLedger(redis.url));
  let crash: CrashReport | undefined;

  it('restarts from what was on disk, and every 201 still becomes a row', async () => {
    await redis.start();
    await ledgerFaultScenario(system, {
      name: 'redis-crash',
      inject: async () => {
        crash = await redis.crash();
      },
      recover: () => redis.launch(),
      faultAnswers: ['LEDGER_UNAVAILABLE'],
    });
    // The crash view was recorded (the shim saw Redis fsync), and its cut is reported.
    expect(crash?.fsyncs).toBeGreaterThan(0);
    console.log(`fault=redis-crash fsyncs=${crash?.fsyncs} cutBytes=${crash?.cutBytes}`);
  });
});
