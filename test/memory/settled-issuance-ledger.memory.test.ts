import { describe, expect, it } from 'vitest';
import { InMemoryIssuanceLedger } from '../../src/adapters/memory/in-memory-issuance-ledger.ts';
import { InMemoryIssuanceOutbox } from '../../src/adapters/memory/in-memory-issuance-outbox.ts';
import { InMemoryLedgerStore } from '../../src/adapters/memory/in-memory-ledger-store.ts';
import { InMemoryLedgerVersions } from '../../src/adapters/memory/in-memory-ledger-versions.ts';
import { SettledCampaignLedger } from '../../src/application/read/settled-campaign-ledger.ts';
import { describeIssuanceLedgerContract } from '../contract/issuance-ledger.contract.ts';
import { CampaignMother, CouponMother, randomUserId, userIds } from '../support/mothers.ts';

/** The whole ledger contract (races included) through the settled-campaign decorator. */
describeIssuanceLedgerContract(
  'in memory, through SettledCampaignLedger',
  async () => {
    const store = new InMemoryLedgerStore();
    return {
      ledger: new SettledCampaignLedger(
        new InMemoryIssuanceLedger(store),
        new InMemoryLedgerVersions(store),
        { revalidateMs: 1000, maxWinners: 100_000 },
      ),
      outbox: new InMemoryIssuanceOutbox(store),
      close: async () => undefined,
    };
  },
  { grantInstants: true },
);

describe('SettledCampaignLedger', () => {
  const NOW = new Date(Date.UTC(2026, 10, 25, 12, 0, 0));
  const settle = () => new Promise((resolve) => setTimeout(resolve, 10));

  function fixture(options: { maxWinners?: number; now?: () => number } = {}) {
    const store = new InMemoryLedgerStore();
    const inner = new InMemoryIssuanceLedger(store);
    let reserves = 0;
    let lookups = 0;
    const counting = Object.assign(Object.create(inner) as InMemoryIssuanceLedger, {
      reserve: (...args: Parameters<InMemoryIssuanceLedger['reserve']>) => {
        reserves += 1;
        return inner.reserve(...args);
      },
      findGrant: (...args: Parameters<InMemoryIssuanceLedger['findGrant']>) => {
        lookups += 1;
        return inner.findGrant(...args);
      },
    });
    const ledger = new SettledCampaignLedger(counting, new InMemoryLedgerVersions(store), {
      revalidateMs: 1000,
      maxWinners: options.maxWinners ?? 100_000,
      ...(options.now ? { now: options.now } : {}),
    });
    return { store, inner, ledger, reserves: () => reserves, lookups: () => lookups };
  }

  it('answers a sold-out campaign from memory: no ledger call, winner 409, everyone else 410', async () => {
    const { ledger, reserves } = fixture();
    const campaign = CampaignMother.open({ totalQuantity: 2 });
    await ledger.define(campaign);
    const [a, b] = userIds(2) as [never, never];
    await ledger.reserve(campaign.id, a, NOW);
    await ledger.reserve(campaign.id, b, NOW);
    expect(await ledger.reserve(campaign.id, randomUserId(), NOW)).toEqual({ kind: 'sold-out' });
    await settle();
    const before = reserves();
    for (let i = 0; i < 100; i += 1) {
      expect(await ledger.reserve(campaign.id, randomUserId(), NOW)).toEqual({ kind: 'sold-out' });
    }
    expect(await ledger.reserve(campaign.id, a, NOW)).toEqual({ kind: 'already-issued' });
    expect(reserves()).toBe(before);
    expect(ledger.settledCampaigns).toBe(1);
  });

  it("answers a winner's coupon, instant included, and a loser's lookup from memory", async () => {
    const { ledger, lookups } = fixture();
    const campaign = CampaignMother.open({ totalQuantity: 1 });
    await ledger.define(campaign);
    const winner = randomUserId();
    const won = await ledger.reserve(campaign.id, winner, NOW);
    await ledger.reserve(campaign.id, randomUserId(), NOW);
    await settle();
    const before = lookups();

    const first = await ledger.findGrant(campaign.id, winner);
    const again = await ledger.findGrant(campaign.id, winner);
    const loser = await ledger.findGrant(campaign.id, randomUserId());

    expect(first).toMatchObject({ kind: 'granted', sequence: 1, issuedAt: NOW });
    expect(won.kind).toBe('issued');
    expect(again).toEqual(first);
    expect(loser).toEqual({ kind: 'none' });
    expect(lookups() - before).toBe(0);
  });

  it('goes back to the ledger on new stock, a restore or a fence made through it', async () => {
    const { ledger } = fixture();
    const campaign = CampaignMother.open({ totalQuantity: 1 });
    await ledger.define(campaign);
    await ledger.reserve(campaign.id, randomUserId(), NOW);
    await ledger.reserve(campaign.id, randomUserId(), NOW);
    await settle();
    expect(ledger.settledCampaigns).toBe(1);
    await ledger.define({ ...campaign, totalQuantity: 2 });
    expect(ledger.settledCampaigns).toBe(0);
    expect((await ledger.reserve(campaign.id, randomUserId(), NOW)).kind).toBe('issued');
    await ledger.reserve(campaign.id, randomUserId(), NOW);
    await settle();
    await ledger.fence(campaign.id);
    expect(await ledger.reserve(campaign.id, randomUserId(), NOW)).toEqual({ kind: 'not-ready' });
    await ledger.restore(campaign, [CouponMother.of(campaign.id, 1)]);
    expect(ledger.settledCampaigns).toBe(0);
  });

  it("learns of another process's change at the next revalidation (bounded staleness)", async () => {
    let clock = 0;
    const { ledger, inner } = fixture({ now: () => clock });
    const campaign = CampaignMother.open({ totalQuantity: 1 });
    await ledger.define(campaign);
    await ledger.reserve(campaign.id, randomUserId(), NOW);
    await ledger.reserve(campaign.id, randomUserId(), NOW);
    await settle();
    await inner.define({ ...campaign, totalQuantity: 5 }); // another process: new stock
    expect(await ledger.reserve(campaign.id, randomUserId(), NOW)).toEqual({ kind: 'sold-out' });
    clock += 1001; // due: the next answer starts a revalidation, which drops the copy
    await ledger.reserve(campaign.id, randomUserId(), NOW);
    await settle();
    expect(ledger.settledCampaigns).toBe(0);
    expect((await ledger.reserve(campaign.id, randomUserId(), NOW)).kind).toBe('issued');
  });

  it('keeps a winner set past its bound in the ledger', async () => {
    const { ledger } = fixture({ maxWinners: 1 });
    const campaign = CampaignMother.open({ totalQuantity: 2 });
    await ledger.define(campaign);
    for (const user of userIds(3)) await ledger.reserve(campaign.id, user, NOW);
    await settle();
    expect(ledger.settledCampaigns).toBe(0);
  });
});
