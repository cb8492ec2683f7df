import { describe, expect, it } from 'vitest';
import type { E2eProcess } from '../support/e2e-harness.ts';
import { useE2eSystem } from '../support/e2e-harness.ts';
import {
  converge,
  expectBusinessAnswers,
  judge,
  report,
  type Verdict,
} from '../support/e2e-guarantees.ts';
import { fireSpread, kafkaView, ShardedProbes } from '../support/e2e-multi.ts';
import type { Probes } from '../support/e2e-probes.ts';
import { usersWithRepeats } from '../support/e2e-stampede.ts';
import { waitFor } from '../support/e2e-wait.ts';

const APIS = 3;
const CONSUMERS = 2;
const PARTITIONS = 4;
/** Every process: the topic (created by whichever starts first) gets PARTITIONS partitions. */
const KAFKA_ENV = { KAFKA_TOPIC_PARTITIONS: String(PARTITIONS) };

/**
 * Issue 7: nothing assumes a single process. Three api processes share the stampede (round-robin),
 * two consumers share the topic's partitions in ONE consumer group, and one consumer is SIGKILLed
 * mid-run and started again: its partitions move to the survivor once its session expires, and
 * then half of them back to the restarted one (two rebalances), while rows keep being written.
 * Whatever the dead consumer had not committed is redelivered and absorbed by the unique key.
 */
describe('e2e: 3 api processes, 2 consumers in one group, a consumer killed mid-run', () => {
  const system = useE2eSystem();

  interface Scenario {
    readonly name: string;
    /** LEDGER_SHARDS of every api process (1 = one ledger per campaign). */
    readonly shards: number;
    readonly total: number;
    readonly requests: number;
    readonly users: number;
    readonly probes: Probes;
    readonly kill: 'writing' | 'early';
  }

  /** Starts the processes, fires, kills and restarts a consumer, converges; returns the verdict. */
  async function run(scenario: Scenario): Promise<{ verdict: Verdict; campaignId: string }> {
    const apiEnv = { ...KAFKA_ENV, LEDGER_SHARDS: String(scenario.shards) };
    const apis = await Promise.all(Array.from({ length: APIS }, () => system.startApi(apiEnv)));
    const consumers: E2eProcess[] = [];
    for (let i = 0; i < CONSUMERS; i++) consumers.push(await system.startConsumer(KAFKA_ENV));
    const before = await kafkaView(system.topic, system.topic);
    expect(before.partitions).toBeGreaterThanOrEqual(PARTITIONS);
    expect(before.members).toEqual(consumers.map((c) => `${c.name}-consumer`).sort());

    const campaignId = await system.createCampaign(apis[0]!, scenario.total);
    const [victim, survivor] = consumers as [E2eProcess, E2eProcess];

    // Kill a consumer mid-run. 'writing': once this campaign's rows are being written (it dies
    // mid-stream, with uncommitted batches to redeliver). 'early': at once, at the 100th answer,
    // while most grants are still to come (a small campaign can be written in one batch, so
    // waiting for its first rows could find them all); the stampede then goes on with the
    // victim's partitions waiting for the rebalance.
    let rowsAtKill = 0;
    let issuedAtKill = 0;
    let issuedSoFar = 0;
    let killed: Promise<unknown> | undefined;
    const killWhenWriting = async () => {
      rowsAtKill = await waitFor(
        'the first rows',
        async () => {
          const { rows } = await scenario.probes.rowCounts(campaignId);
          return rows > 0 ? rows : undefined;
        },
        { intervalMs: 10, timeoutMs: 30_000 },
      );
      issuedAtKill = issuedSoFar;
      await victim.stop('SIGKILL');
    };
    const killAtOnce = async () => {
      victim.signal('SIGKILL');
      issuedAtKill = issuedSoFar;
      await victim.exited(5_000);
      // Read after the kill: an upper bound of what the victim could have written.
      rowsAtKill = (await scenario.probes.rowCounts(campaignId)).rows;
    };
    const { outcome, perApi } = await fireSpread({
      baseUrls: apis.map((api) => api.url),
      campaignId,
      users: usersWithRepeats(scenario.requests, scenario.users, `${campaignId}-u`),
      concurrency: 150,
      onAnswer: (answered, answer) => {
        if (answer.status === 201) issuedSoFar += 1;
        if (answered === 100) killed = scenario.kill === 'early' ? killAtOnce() : killWhenWriting();
      },
    });
    await killed;
    expectBusinessAnswers(outcome);
    // Killed mid-run: with rows written and rows still to write ('writing'), or with coupons
    // still to be granted after the kill ('early').
    if (scenario.kill === 'writing') {
      expect(rowsAtKill).toBeGreaterThan(0);
      expect(rowsAtKill).toBeLessThan(scenario.total);
    } else {
      expect(issuedAtKill).toBeLessThan(scenario.total);
    }
    // Round-robin: every api process took its third of the stampede.
    expect(perApi).toEqual(
      Array.from({ length: APIS }, (_, k) => Math.ceil((scenario.requests - k) / APIS)),
    );
    for (const api of apis) expect(api.alive).toBe(true);

    const restartedAt = Date.now();
    const restarted = await system.startConsumer(KAFKA_ENV);
    const rejoinedMs = Date.now() - restartedAt;
    await converge(scenario.probes, campaignId);
    const caughtUpMs = Date.now() - restartedAt;

    // The dead member is gone from the group; the survivor and the restarted one share it.
    const after = await kafkaView(system.topic, system.topic);
    expect(after.members).toEqual(
      [`${survivor.name}-consumer`, `${restarted.name}-consumer`].sort(),
    );
    expect(survivor.alive).toBe(true);

    const verdict = await judge(
      scenario.probes,
      { id: campaignId, totalQuantity: scenario.total },
      [outcome],
    );
    report(scenario.name, verdict, {
      apis: APIS,
      consumers: CONSUMERS,
      partitions: after.partitions,
      perApi: perApi.join('/'),
      rowsAtKill,
      issuedAtKill,
      rejoinedMs,
      caughtUpMs,
      answers: `"${outcome.summary()}"`,
    });

    // G1–G4, and the ledger agreeing with MySQL with nothing left to publish.
    expect(verdict).toMatchObject({
      lost: 0, // G3: every 201 has its row, with the sequence the user was told
      duplicated: 0, // G2: one row per user, one 201 per user
      over: 0, // G1: neither MySQL nor Redis beyond totalQuantity
      ungranted: 0, // G4: every row is a grant of the ledger, same sequence
      unexplained: 0,
      outbox: 0,
      redisCount: verdict.rows,
    });
    // Rows are the 201s (or, rarely, a reserve applied after its command timed out: a 503).
    expect(verdict.rows).toBe(verdict.issued + verdict.grantedAfter503);
    expect(verdict.rows).toBeLessThanOrEqual(scenario.total);
    const counts = await scenario.probes.rowCounts(campaignId);
    expect(counts.distinctUsers).toBe(counts.rows);
    const sequences = [...(await scenario.probes.coupons(campaignId)).values()];
    expect(new Set(sequences).size).toBe(sequences.length);
    expect(await scenario.probes.failures(campaignId)).toEqual([]);
    return { verdict, campaignId };
  }

  it('issues exactly totalQuantity once each across 3 apis, through a consumer rebalance', async () => {
    const total = 1000;
    const { verdict } = await run({
      name: 'multi-process',
      shards: 1,
      total,
      requests: 6000,
      users: 3000,
      probes: system.probes,
      kill: 'writing',
    });
    expect(verdict.rows).toBe(total);
    // One ledger per campaign: grant order survives, sequences exactly 1..total.
    expect(verdict.contiguous).toBe(true);
  });

  it('sharded stock (LEDGER_SHARDS=4 on every api): exactly totalQuantity, unique sequences', async () => {
    const total = 300;
    const probes = new ShardedProbes();
    try {
      const { verdict, campaignId } = await run({
        name: 'multi-process-sharded',
        shards: 4,
        total,
        requests: 6000,
        users: 3000,
        probes,
        kill: 'early',
      });
      // Sub-ledgers hand out i+1, i+1+N, …: unique (asserted in run), not gap-free.
      expect(verdict.rows).toBe(total);
      // The campaign really is sharded: 4 sub-ledgers (what the sums above were read from).
      expect(await probes.subLedgers(campaignId)).toHaveLength(4);
    } finally {
      await probes.close();
    }
  });
});
