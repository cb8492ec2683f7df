import { describe, expect, it } from 'vitest';
import { LedgerReconciler } from '../../src/application/operate/ledger-reconciler.ts';
import type { ReconcileOutcome } from '../../src/application/operate/reconcile-ledger.ts';
import type { CampaignId } from '../../src/domain/ids.ts';
import { silentLogger } from '../support/test-logger.ts';

/** A reconciliation that runs until the test lets it finish, recording the order it started in. */
class HeldReconciliations {
  readonly started: string[] = [];
  readonly #release = new Map<string, () => void>();
  running = 0;
  most = 0;

  async execute(campaignId: CampaignId): Promise<ReconcileOutcome> {
    this.started.push(campaignId);
    this.running += 1;
    this.most = Math.max(this.most, this.running);
    await new Promise<void>((resolve) => this.#release.set(campaignId, resolve));
    this.running -= 1;
    return { kind: 'reconciled', winners: 0, fromRecord: 0 };
  }

  finish(campaignId: string): void {
    this.#release.get(campaignId)?.();
  }
}

const ids = (n: number, prefix: string) =>
  Array.from({ length: n }, (_, i) => `${prefix}-${i}` as CampaignId);
const settle = () => new Promise((resolve) => setImmediate(resolve));

describe('LedgerReconciler', () => {
  it('reconciles at most `concurrency` campaigns at once; the rest wait their turn', async () => {
    const held = new HeldReconciliations();
    const reconciler = new LedgerReconciler(held, silentLogger, { concurrency: 3 });
    const campaigns = ids(10, 'bg');
    const done = campaigns.map((id) => reconciler.request(id, 'background'));
    await settle();
    expect(held.started).toEqual(campaigns.slice(0, 3));
    for (const id of campaigns) {
      held.finish(id);
      await settle();
    }
    await Promise.all(done);
    expect(held.started).toEqual(campaigns);
    expect(held.most).toBe(3);
  });

  it('serves a campaign someone applies to now before those the periodic check queued', async () => {
    const held = new HeldReconciliations();
    const reconciler = new LedgerReconciler(held, silentLogger, { concurrency: 1 });
    const [first, ...queued] = ids(4, 'bg');
    void reconciler.request(first!, 'background');
    for (const id of queued) void reconciler.request(id, 'background');
    void reconciler.request('live' as CampaignId); // an application met it: urgent
    void reconciler.request(queued[2]!); // queued by the check, now applied to: promoted
    await settle();
    held.finish(first!);
    await settle();
    held.finish('live');
    await settle();
    held.finish(queued[2]!);
    await settle();
    expect(held.started.slice(0, 3)).toEqual([first, 'live', queued[2]]);
  });

  it('runs one reconciliation per campaign however often it is asked', async () => {
    const held = new HeldReconciliations();
    const reconciler = new LedgerReconciler(held, silentLogger);
    const asked = [1, 2, 3].map(() => reconciler.request('c' as CampaignId));
    await settle();
    held.finish('c');
    const outcomes = await Promise.all(asked);
    expect(held.started).toEqual(['c']);
    expect(outcomes.every((o) => o === outcomes[0])).toBe(true);
  });
});
