import { describe, expect, it } from 'vitest';
import { useE2eSystem } from '../support/e2e-harness.ts';
import { expectBusinessAnswers } from '../support/e2e-guarantees.ts';
import { waitFor } from '../support/e2e-wait.ts';
import { faultScenario } from '../support/fault-scenario.ts';

/**
 * Scenario 4: the API process is SIGKILLed mid-stampede, while its relay holds outbox entries it
 * took but had not acknowledged. The entries stay pending in the Redis stream under the dead
 * relay's name; the restarted API (a new consumer name) claims them with XAUTOCLAIM once they are
 * idle for OUTBOX_CLAIM_AFTER_MS and publishes them. Requests in flight at the kill may have been
 * granted without an answer: they are persisted too, and their users get 409 when they retry.
 */
describe('fault: API SIGKILLed mid-stampede, restarted', () => {
  const system = useE2eSystem();

  it('claims the dead relay’s pending entries and delivers every grant', async () => {
    const scenario = await faultScenario(system);
    const { api, campaignId } = scenario;

    // Kill while the relay holds entries (taken, not yet acknowledged): the case a claim is for.
    // The process is frozen (SIGSTOP) before looking, so what is seen pending is what the kill
    // leaves behind; if the relay happens to hold nothing, it is let go for a moment and frozen
    // again.
    let pendingAtKill = 0;
    const killWhileRelaying = async () => {
      pendingAtKill = await waitFor(
        'a moment when the relay holds entries',
        async () => {
          api.signal('SIGSTOP');
          const pending = await system.probes.pendingOutbox(campaignId);
          if (pending > 0) return pending;
          api.signal('SIGCONT');
          return undefined;
        },
        { intervalMs: 5, timeoutMs: 10_000 },
      );
      api.signal('SIGKILL');
      await api.exited();
    };
    const beforeKill = await scenario.fire(scenario.users('u', 4000), {
      strike: { after: 300, run: killWhileRelaying },
    });
    expect(beforeKill.count('ECONNREFUSED')).toBeGreaterThan(0); // it really died mid-stampede
    // The dead relay left entries pending under its name: only a claim can deliver them.
    expect(pendingAtKill).toBeGreaterThan(0);

    const restarted = await system.startApi({ OUTBOX_CLAIM_AFTER_MS: '1000' });
    const back = Date.now();
    // The rest of the drop on the new process: it tops the campaign up to exactly the cap.
    const afterRestart = await scenario.fire(scenario.users('u', 4000), { via: restarted });
    expectBusinessAnswers(afterRestart);
    await scenario.converge();
    const caughtUpMs = Date.now() - back;

    // grantedNoAnswer: granted by the killed process while the answer was in flight.
    await scenario.conclude('api-kill', {
      pendingAtKill,
      caughtUpMs,
      answersBefore: `"${beforeKill.summary()}"`,
      answersAfter: `"${afterRestart.summary()}"`,
    });
  });
});
