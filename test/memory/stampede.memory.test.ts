import { fetchFrom, openCampaign } from '../../scripts/lib/open-campaign.ts';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/bootstrap/config.ts';
import { createRuntime, type Runtime } from '../../src/bootstrap/wiring/container.ts';
import { startHttp } from '../../src/bootstrap/runtime/http.ts';
import { startConsumer, startRelay } from '../../src/bootstrap/runtime/workers.ts';
import type { CampaignId, UserId } from '../../src/domain/ids.ts';
import { randomCampaignId, randomUserId, userIds } from '../support/mothers.ts';
import { CapturingLogger } from '../support/test-logger.ts';

/**
 * The stampede, for real: the embedded runtime (API + relay + consumer on the in-memory adapters)
 * listens on a free port and receives REAL concurrent HTTP requests, all in flight at once. The
 * in-memory ledger is exact because each reserve runs without an await between read and write;
 * these tests prove that holds through the whole HTTP stack, and that every 201 ends up stored.
 */
const ADMIN_TOKEN = 'stampede-admin-token-0123456789';

interface Answer {
  readonly userId: string;
  readonly status: number;
  readonly body: { sequence?: number; error?: { code: string } };
}

describe('stampede against the embedded runtime over real HTTP', () => {
  const logger = new CapturingLogger();
  let runtime: Runtime;
  let url: string;

  beforeAll(async () => {
    const config = loadConfig({ PORT: '0', HOST: '127.0.0.1', ADMIN_TOKEN, LOG_LEVEL: 'silent' });
    runtime = await createRuntime(config, logger, 'test');
    await startConsumer(runtime);
    startRelay(runtime);
    ({ url } = await startHttp(runtime));
  });

  afterAll(async () => {
    await runtime?.lifecycle.stop();
  });

  const createCampaign = async (totalQuantity: number): Promise<CampaignId> => {
    const id = randomCampaignId('stampede');
    const response = await openCampaign(fetchFrom(url), ADMIN_TOKEN, {
      id,
      name: 'Stampede',
      totalQuantity,
    });
    expect(response.status).toBe(200);
    return id;
  };

  const apply = async (campaignId: CampaignId, userId: string): Promise<Answer> => {
    const response = await fetch(`${url}/campaigns/${campaignId}/issuances`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ userId }),
    });
    return { userId, status: response.status, body: (await response.json()) as Answer['body'] };
  };

  /** Every request started before any is awaited: all of them in flight together. */
  const stampede = (campaignId: CampaignId, users: readonly string[]) =>
    Promise.all(users.map((userId) => apply(campaignId, userId)));

  const countBy = (answers: readonly Answer[]) => {
    const counts: Record<number, number> = {};
    for (const { status } of answers) counts[status] = (counts[status] ?? 0) + 1;
    return counts;
  };

  const summary = async (campaignId: CampaignId) =>
    (await (await fetch(`${url}/campaigns/${campaignId}`)).json()) as {
      issued: number;
      persisted: number;
      remaining: number;
    };

  /** Polls the summary route (with a deadline, never a fixed sleep) until the consumer caught up. */
  const waitUntilPersisted = async (campaignId: CampaignId, expected: number) => {
    const deadline = Date.now() + 10_000;
    for (;;) {
      const { issued, persisted } = await summary(campaignId);
      if (persisted === issued && persisted === expected) return;
      if (Date.now() > deadline) {
        throw new Error(
          `persisted ${persisted} of ${issued} issued (expected ${expected}) at the deadline`,
        );
      }
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
  };

  /** The durable record of the campaign, read from the coupon repository itself. */
  const stored = async (campaignId: CampaignId) =>
    runtime.ports.coupons.listByCampaign(campaignId, 0, 1_000_000);

  it('1000 distinct users vs 100 coupons: exactly 100 × 201 with sequences 1..100, 900 × 410, all persisted', async () => {
    const campaignId = await createCampaign(100);
    const users = userIds(1000, 'herd');

    const answers = await stampede(campaignId, users);

    expect(countBy(answers)).toEqual({ 201: 100, 410: 900 });
    const winners = answers.filter((a) => a.status === 201);
    const sequences = winners.map((a) => a.body.sequence).sort((a, b) => a! - b!);
    expect(sequences).toEqual(Array.from({ length: 100 }, (_, i) => i + 1));
    expect(
      answers.filter((a) => a.status === 410).every((a) => a.body.error?.code === 'SOLD_OUT'),
    ).toBe(true);

    await waitUntilPersisted(campaignId, 100);

    const rows = await stored(campaignId);
    expect(rows).toHaveLength(100);
    const bySequence = (a: { sequence: number }, b: { sequence: number }) =>
      a.sequence - b.sequence;
    expect(rows.map((c) => ({ userId: c.userId, sequence: c.sequence })).sort(bySequence)).toEqual(
      winners.map((a) => ({ userId: a.userId, sequence: a.body.sequence! })).sort(bySequence),
    );
    expect(await summary(campaignId)).toMatchObject({ issued: 100, remaining: 0, persisted: 100 });
  });

  it('one user 1000 times at once: exactly one 201 and 999 × 409, one coupon stored', async () => {
    const campaignId = await createCampaign(1000);
    const userId = randomUserId('eager');

    const answers = await stampede(
      campaignId,
      Array.from({ length: 1000 }, () => userId),
    );

    expect(countBy(answers)).toEqual({ 201: 1, 409: 999 });
    expect(answers.find((a) => a.status === 201)?.body.sequence).toBe(1);
    expect(
      answers.filter((a) => a.status === 409).every((a) => a.body.error?.code === 'ALREADY_ISSUED'),
    ).toBe(true);

    await waitUntilPersisted(campaignId, 1);

    const rows = await stored(campaignId);
    expect(rows.map((c) => ({ userId: c.userId, sequence: c.sequence }))).toEqual([
      { userId, sequence: 1 },
    ]);
  });

  it('500 users applying twice each, all at once, vs 300 coupons: 300 distinct winners, no one twice', async () => {
    const campaignId = await createCampaign(300);
    const users = userIds(500, 'twice');

    const answers = await stampede(campaignId, [...users, ...users]);

    const winners = answers.filter((a) => a.status === 201).map((a) => a.userId as UserId);
    expect(winners).toHaveLength(300);
    expect(new Set(winners).size).toBe(300);
    // Every winner's second request is 409; every loser gets 410 twice.
    const counts = countBy(answers);
    expect(counts).toEqual({ 201: 300, 409: 300, 410: 400 });

    await waitUntilPersisted(campaignId, 300);
    expect(new Set((await stored(campaignId)).map((c) => c.userId))).toEqual(new Set(winners));
  });

  it('nothing went to failed_issuance and nothing was logged as an error', async () => {
    expect(await runtime.ports.failures.countOpen()).toBe(0);
    expect(logger.at('error')).toEqual([]);
  });
});
