import { beforeEach, describe, expect, it } from 'vitest';
import type { InMemoryCampaignRepository } from '../../src/adapters/memory/in-memory-campaign-repository.ts';
import type { InMemoryIssuanceLedger } from '../../src/adapters/memory/in-memory-issuance-ledger.ts';
import { LedgerUnavailableError } from '../../src/application/errors.ts';
import { ApplyForCoupon } from '../../src/application/issue/apply-for-coupon.ts';
import type { Campaign } from '../../src/domain/campaign.ts';
import { CampaignMother, randomUserId, userIds } from '../support/mothers.ts';
import { inMemoryReconciliation, openCampaign, type ManualClock } from './fakes.ts';

const W = 500;

/**
 * The use case's side of a shuffled opening: an application of the opening is answered after
 * the draw, from it. Time is the ManualClock's: each pause the use case takes moves it on.
 */
describe('ApplyForCoupon in a shuffled opening', () => {
  let ledger: InMemoryIssuanceLedger;
  let campaigns: InMemoryCampaignRepository;
  let clock: ManualClock;
  let pauses: number[];
  let apply: ApplyForCoupon;

  beforeEach(() => {
    ({ ledger, campaigns, clock } = inMemoryReconciliation());
    pauses = [];
    const pause = async (ms: number) => {
      pauses.push(ms);
      clock.advance(ms);
    };
    apply = new ApplyForCoupon(
      ledger,
      campaigns,
      clock,
      { request: () => undefined },
      undefined,
      pause,
    );
  });

  const create = (totalQuantity: number): Promise<Campaign> =>
    openCampaign(
      campaigns,
      ledger,
      CampaignMother.open({
        totalQuantity,
        startsAt: clock.now(),
        endsAt: new Date(clock.now().getTime() + 60_000),
        openingShuffleMs: W,
      }),
    );

  it('answers an application of the opening once W has passed, from the draw', async () => {
    const campaign = await create(10);
    clock.advance(100);

    const outcome = await apply.execute(campaign.id, randomUserId());

    expect(pauses).toEqual([W - 100]);
    expect(outcome).toMatchObject({ kind: 'issued', coupon: { sequence: 1 } });
  });

  it('decides everyone who applied in the opening together: the cap exact, one answer each', async () => {
    const campaign = await create(10);
    const users = userIds(30);

    const outcomes = await Promise.all(users.map((userId) => apply.execute(campaign.id, userId)));

    const issued = outcomes.filter((outcome) => outcome.kind === 'issued');
    expect(issued).toHaveLength(10);
    expect(outcomes.filter((outcome) => outcome.kind === 'sold-out')).toHaveLength(20);
    expect(new Set(issued.map((o) => (o.kind === 'issued' ? o.coupon.userId : ''))).size).toBe(10);
  });

  it('answers a user who applied twice in the opening once with the grant, then with the coupon held', async () => {
    const campaign = await create(10);
    const userId = randomUserId();

    const answers = await Promise.all([
      apply.execute(campaign.id, userId),
      apply.execute(campaign.id, userId),
    ]);

    const granted = answers.find((outcome) => outcome.kind === 'issued');
    const held = answers.find((outcome) => outcome.kind === 'already-issued');
    const sequence = granted?.kind === 'issued' ? granted.coupon.sequence : -1;
    expect(held).toMatchObject({ kind: 'already-issued', sequence });
  });

  it('gives up with LedgerUnavailableError (503) when the draw never comes, instead of waiting forever', async () => {
    const campaign = await create(10);
    const stuck = new ApplyForCoupon(
      ledger,
      campaigns,
      clock,
      { request: () => undefined },
      undefined,
      async () => undefined,
    );

    await expect(stuck.execute(campaign.id, randomUserId())).rejects.toBeInstanceOf(
      LedgerUnavailableError,
    );
  });
});
