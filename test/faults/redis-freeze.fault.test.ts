import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, describe, it } from 'vitest';
import { standaloneLedger, useE2eSystem } from '../support/e2e-harness.ts';
import { CrashableRedis } from '../support/e2e-crashable-redis.ts';
import { expectBusinessAnswers } from '../support/e2e-guarantees.ts';
import { merged, StampedeOutcome } from '../support/e2e-stampede.ts';
import { expectAnsweredAmong, faultScenario } from '../support/fault-scenario.ts';

const FROZEN_MS = 8_000;

/**
 * Issue 22, scenario 3: the ledger's Redis freezes (SIGSTOP: a paused VM, a stalled disk) for
 * 8 s in the middle of a grant stream, then resumes (SIGCONT) with the commands it had queued.
 * The API answers 503 for what timed out (a grant Redis made afterwards may stand: the reply was
 * cut off, never a 201), and the stream goes on. A Redis of this file's own, never the shared one.
 */
describe('fault: the ledger Redis frozen mid-stream, then resumed', async () => {
  const redis = await CrashableRedis.on();
  // Registered before the system's own hooks, so it runs after them.
  afterAll(async () => {
    await redis.close();
  });
  const system = useE2eSystem(standaloneLedger(redis.url));

  it('tells nobody 201 twice and persists every 201, exactly the cap', async () => {
    await redis.start();
    const scenario = await faultScenario(system);

    const during = await scenario.fire(scenario.users('a', 3000), {
      strike: {
        after: 300,
        run: async () => {
          redis.freeze();
          try {
            await sleep(FROZEN_MS);
          } finally {
            redis.thaw();
          }
        },
      },
    });
    expectAnsweredAmong(during, ['LEDGER_UNAVAILABLE']);
    await scenario.ready();
    const after = merged(await scenario.fireUntilReady(scenario.users('b', 2000)));
    expectBusinessAnswers(new StampedeOutcome(after.answers.filter((a) => a.status !== 503)));

    await scenario.conclude('redis-freeze', {
      frozenMs: FROZEN_MS,
      unavailable503: during.count('LEDGER_UNAVAILABLE'),
      answersDuring: `"${during.summary()}"`,
      answersAfter: `"${after.summary()}"`,
    });
  });
});
