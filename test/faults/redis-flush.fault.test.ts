import { describe, expect, it } from 'vitest';
import { useE2eSystem } from '../support/e2e-harness.ts';
import { expectBusinessAnswers } from '../support/e2e-guarantees.ts';
import { merged } from '../support/e2e-stampede.ts';
import { faultScenario } from '../support/fault-scenario.ts';

interface Summary {
  readonly issued: number | null;
  readonly remaining: number | null;
  readonly ledgerReady: boolean;
}

/**
 * Scenario 6: Redis loses its data after a stampede was persisted (FLUSHDB of the e2e's database:
 * for the service the same as a Redis restarted without persistence, while other runs sharing
 * this Redis in other databases keep theirs). The ledger no longer knows the campaign but MySQL
 * does, so the API refuses to issue for it (503 LEDGER_NOT_READY) instead of starting again from
 * zero, and reconciles it from MySQL by itself (the first application asks for it). Then it
 * continues exactly where it stopped: old winners get 409, the remaining stock is total − rows,
 * the cap still holds. `rebuild-ledger`, the same reconciliation by hand, is idempotent.
 */
describe('fault: Redis flushed after a stampede, ledger reconciled from MySQL', () => {
  const system = useE2eSystem();

  it('refuses to issue until reconciled, then continues exactly where it stopped', async () => {
    // The first application asks for the reconciliation; the periodic check would race the probes.
    const scenario = await faultScenario(system, {
      apiEnv: { LEDGER_CHECK_INTERVAL_MS: '3600000' },
    });
    const { api, campaignId, total } = scenario;
    const summary = async () =>
      (await (await fetch(`${api.url}/campaigns/${campaignId}`)).json()) as Summary;

    // Half the stock goes out and is persisted: 600 users, each clicking twice.
    expectBusinessAnswers(await scenario.fire(scenario.users('a', 1200)));
    await scenario.converge();
    // What MySQL holds is what the rebuild must restore (600, unless a 503 left a user out).
    const winners = [...(await system.probes.coupons(campaignId)).keys()];
    const persisted = winners.length;
    expect(persisted).toBeGreaterThan(500);

    await system.probes.flushRedis();

    // Until it is reconciled nothing is decided: fail closed, no second coupon, no fresh count.
    expect(await summary()).toMatchObject({ ledgerReady: false, issued: null });
    const newcomers = scenario.crowd('new', 50);
    const answered = merged(
      await scenario.fireUntilReady([...winners.slice(0, 50), ...newcomers], { concurrency: 20 }),
    );
    expect(answered.count('LEDGER_NOT_READY')).toBeGreaterThan(0);
    for (const winner of winners.slice(0, 50)) {
      expect(answered.usersAnswered('ISSUED').has(winner)).toBe(false);
    }
    expect(answered.count('ISSUED')).toBe(50);

    // The operator's rebuild, run twice: the same reconciliation, idempotent.
    let rebuiltWith = '';
    for (let run = 0; run < 2; run++) {
      const rebuild = await system.runCli('rebuild-ledger', [campaignId]);
      expect(rebuild, rebuild.output).toMatchObject({ code: 0 });
      rebuiltWith = /reconciled: (\d+) winners/.exec(rebuild.output)?.[1] ?? rebuild.output;
      expect(rebuiltWith).toBe(String(persisted + 50));
    }
    await scenario.converge();
    expect(await summary()).toMatchObject({
      ledgerReady: true,
      issued: persisted + 50,
      remaining: total - persisted - 50,
    });

    // Every old winner is told so; none gets a second coupon.
    const again = await scenario.fire(winners);
    expect(again.count('ALREADY_ISSUED')).toBe(persisted);

    // A new crowd gets exactly the remaining stock: the campaign ends at exactly the cap.
    expectBusinessAnswers(await scenario.fire(scenario.users('b', 2000)));

    await scenario.conclude('redis-flush', (verdict) => ({
      notReady503: answered.count('LEDGER_NOT_READY'),
      rebuiltWith,
      oldWinners409: again.count('ALREADY_ISSUED'),
      toppedUp: verdict.rows - persisted - 50,
    }));
  });
});
