import { beforeEach, describe, expect, it } from 'vitest';
import type { InMemoryCampaignRepository } from '../../src/adapters/memory/in-memory-campaign-repository.ts';
import type { InMemoryCouponLog } from '../../src/adapters/memory/in-memory-coupon-log.ts';
import type { InMemoryCouponRepository } from '../../src/adapters/memory/in-memory-coupon-repository.ts';
import type { InMemoryFailedIssuanceRepository } from '../../src/adapters/memory/in-memory-failed-issuance-repository.ts';
import type { InMemoryIssuanceLedger } from '../../src/adapters/memory/in-memory-issuance-ledger.ts';
import { InMemoryIssuanceOutbox } from '../../src/adapters/memory/in-memory-issuance-outbox.ts';
import type { InMemoryLedgerRecovery } from '../../src/adapters/memory/in-memory-ledger-recovery.ts';
import type { InMemoryLedgerStore } from '../../src/adapters/memory/in-memory-ledger-store.ts';
import { encodeCouponIssued } from '../../src/application/persist/coupon-issued-event.ts';
import { RebuildLedger } from '../../src/application/operate/rebuild-ledger.ts';
import type { ReconcileLedger } from '../../src/application/operate/reconcile-ledger.ts';
import type { Campaign } from '../../src/domain/campaign.ts';
import { CampaignMother, CouponMother, randomUserId } from '../support/mothers.ts';
import { inMemoryReconciliation, openCampaign, type ManualClock } from './fakes.ts';

/**
 * The reconciliation's promises, on the in-memory adapters: merge, never replace; never lower a
 * count; wait for a complete record; one layout at a time.
 */
describe('ReconcileLedger', () => {
  let store: InMemoryLedgerStore;
  let ledger: InMemoryIssuanceLedger;
  let recovery: InMemoryLedgerRecovery;
  let campaigns: InMemoryCampaignRepository;
  let coupons: InMemoryCouponRepository;
  let failures: InMemoryFailedIssuanceRepository;
  let log: InMemoryCouponLog;
  let clock: ManualClock;
  let reconcile: ReconcileLedger;

  beforeEach(() => {
    ({ store, ledger, recovery, campaigns, coupons, failures, log, clock, reconcile } =
      inMemoryReconciliation());
  });

  const created = async (totalQuantity: number): Promise<Campaign> => {
    return openCampaign(campaigns, ledger, CampaignMother.open({ totalQuantity }));
  };

  it('brings back durable winners an older ledger forgot, and keeps the winners only it holds', async () => {
    const campaign = await created(10);
    // MySQL has sequences 1-3; the ledger came back holding only sequence 1 plus a newer grant 4
    // of a user MySQL does not have yet (its event is still in the outbox).
    const durable = [1, 2, 3].map((sequence) => CouponMother.of(campaign.id, sequence));
    await coupons.saveAll(durable);
    const pendingOnly = randomUserId();
    store.campaigns.set(campaign.id, {
      campaign,
      winners: new Map([
        [durable[0]!.userId, 1],
        [pendingOnly, 4],
      ]),
      count: 4,
      ready: true,
    });

    expect(await reconcile.execute(campaign.id)).toEqual({
      kind: 'reconciled',
      winners: 4,
      fromRecord: 2,
    });

    for (const coupon of durable) {
      expect(await ledger.reserve(campaign.id, coupon.userId, clock.now())).toEqual({
        kind: 'already-issued',
      });
    }
    expect(await ledger.reserve(campaign.id, pendingOnly, clock.now())).toEqual({
      kind: 'already-issued',
    });
    const next = await ledger.reserve(campaign.id, randomUserId(), clock.now());
    expect(next.kind === 'issued' && next.coupon.sequence).toBe(5);
  });

  it('never lowers the count below the highest durable sequence (the cap holds after a rollback)', async () => {
    const campaign = await created(3);
    await coupons.saveAll([1, 2, 3].map((sequence) => CouponMother.of(campaign.id, sequence)));
    store.campaigns.set(campaign.id, { campaign, winners: new Map(), count: 0, ready: true });

    await reconcile.execute(campaign.id);

    expect(await ledger.reserve(campaign.id, randomUserId(), clock.now())).toEqual({
      kind: 'sold-out',
    });
  });

  it('waits for the log: with events not yet persisted it fences and restores nothing', async () => {
    const campaign = await created(10);
    await log.publish([CouponMother.of(campaign.id, 1)]);

    expect(await reconcile.execute(campaign.id)).toEqual({ kind: 'events-in-flight', pending: 1 });
    expect(await ledger.reserve(campaign.id, randomUserId(), clock.now())).toEqual({
      kind: 'not-ready',
    });

    log.drain(10);
    log.settle(1);
    expect((await reconcile.execute(campaign.id)).kind).toBe('reconciled');
  });

  it('counts a decodable open failure of the campaign as a winner (granted, not stored)', async () => {
    const campaign = await created(10);
    const parked = CouponMother.of(campaign.id, 1);
    await failures.recordAll(
      [
        {
          campaignId: campaign.id,
          userId: parked.userId,
          payload: encodeCouponIssued(parked),
          error: 'SEQUENCE_CONFLICT: test',
          attempts: 1,
        },
      ],
      clock.now(),
    );
    store.wipe();

    await reconcile.execute(campaign.id);

    expect(await ledger.reserve(campaign.id, parked.userId, clock.now())).toEqual({
      kind: 'already-issued',
    });
  });

  it('lets one process reconcile at a time', async () => {
    const campaign = await created(10);
    expect(await recovery.claim(campaign.id, 60_000)).toBe(true);
    expect(await reconcile.execute(campaign.id)).toEqual({ kind: 'busy' });
  });

  it('rebuild-ledger refuses while events are in flight or failures are open, unless forced', async () => {
    const campaign = await created(10);
    const rebuild = new RebuildLedger(reconcile, new InMemoryIssuanceOutbox(store), log, failures);
    await ledger.reserve(campaign.id, randomUserId(), clock.now());

    expect(await rebuild.execute(campaign.id)).toEqual({
      kind: 'refused',
      reason: '1 events still in the outbox',
    });
    expect(await rebuild.execute(campaign.id, { force: true })).toMatchObject({
      kind: 'rebuilt',
      winners: 1,
    });
  });
});
