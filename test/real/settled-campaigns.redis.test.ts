import { describe, expect, it } from 'vitest';
import type { LedgerControls } from '../../src/application/ports/ledger-controls.port.ts';
import type { IssuanceLedger } from '../../src/application/ports/issuance-ledger.port.ts';
import { RedisIssuanceLedger } from '../../src/adapters/redis/redis-issuance-ledger.ts';
import { RedisLedgerRecovery } from '../../src/adapters/redis/redis-ledger-recovery.ts';
import { SettledCampaigns } from '../../src/adapters/redis/settled-campaigns.ts';
import { eventually } from '../unit/fakes.ts';
import { CampaignMother, CouponMother, randomUserId, userIds } from '../support/mothers.ts';
import { useNamespaces, useRedis } from '../support/redis-layouts.ts';

const NOW = new Date(Date.UTC(2026, 10, 25, 12, 0, 0));

/**
 * The settled copy on the Redis ledger: what it answers from memory (no call reaches Redis), and
 * how a change anywhere drops it. The whole ledger contract also runs through it
 * (issuance-ledger.redis.test.ts); these are the promises only a copy has.
 */
describe('SettledCampaigns (Redis, plain layout)', () => {
  const redis = useRedis('single');
  const namespace = useNamespaces(redis);

  function fixture(options: { maxWinners?: number; now?: () => number } = {}) {
    const keys = namespace();
    const inner = new RedisIssuanceLedger(redis(), { keyPrefix: keys.prefix });
    const calls = { reserve: 0, findGrant: 0 };
    const counting: IssuanceLedger & LedgerControls = {
      define: (campaign) => inner.define(campaign),
      reserve: (...args) => ((calls.reserve += 1), inner.reserve(...args)),
      collect: (...args) => inner.collect(...args),
      findGrant: (...args) => ((calls.findGrant += 1), inner.findGrant(...args)),
      tally: (campaignId) => inner.tally(campaignId),
      settledAnswer: (...args) => inner.settledAnswer(...args),
      revoke: (...args) => inner.revoke(...args),
      allow: (...args) => inner.allow(...args),
      disallow: (...args) => inner.disallow(...args),
    };
    const settled = new SettledCampaigns(counting, redis(), {
      keyPrefix: keys.prefix,
      revalidateMs: 1000,
      maxWinners: options.maxWinners ?? 100_000,
      ...(options.now ? { now: options.now } : {}),
    });
    const recovery = new RedisLedgerRecovery(redis(), inner, {
      keyPrefix: keys.prefix,
      onChange: (campaignId) => settled.forget(campaignId),
    });
    return { inner, settled, recovery, calls };
  }

  const soldOut = async (ledger: IssuanceLedger, totalQuantity: number) => {
    const campaign = CampaignMother.open({ totalQuantity });
    await ledger.define(campaign);
    const winners = userIds(totalQuantity);
    for (const winner of winners)
      expect((await ledger.reserve(campaign.id, winner, NOW)).kind).toBe('issued');
    expect(await ledger.reserve(campaign.id, randomUserId(), NOW)).toEqual({ kind: 'sold-out' });
    return { campaign, winners };
  };

  it('answers a sold-out campaign from memory: no call to Redis, winner 409, everyone else 410', async () => {
    const { settled, calls } = fixture();
    const { campaign, winners } = await soldOut(settled, 2);
    await eventually(() => settled.settledCampaigns === 1, { what: 'the copy' });
    const before = calls.reserve;

    for (let i = 0; i < 100; i += 1) {
      expect(await settled.reserve(campaign.id, randomUserId(), NOW)).toEqual({ kind: 'sold-out' });
    }
    expect(await settled.reserve(campaign.id, winners[0]!, NOW)).toEqual({
      kind: 'already-issued',
    });
    expect((await settled.tally(campaign.id))?.issued).toBe(2);
    expect(calls.reserve).toBe(before);
  });

  it('gives its settled answer without a call only while the copy holds, and drops it with a change', async () => {
    const { settled, calls } = fixture();
    const campaign = CampaignMother.open({ totalQuantity: 1 });
    await settled.define(campaign);
    // Can still grant: nothing to answer from memory (the gate must run).
    expect(settled.settledAnswer(campaign.id, randomUserId(), NOW)).toBeUndefined();
    const winner = randomUserId();
    expect((await settled.reserve(campaign.id, winner, NOW)).kind).toBe('issued');
    expect(await settled.reserve(campaign.id, randomUserId(), NOW)).toEqual({ kind: 'sold-out' });
    await eventually(() => settled.settledCampaigns === 1, { what: 'the copy' });
    const before = { ...calls };

    expect(settled.settledAnswer(campaign.id, randomUserId(), NOW)).toEqual({ kind: 'sold-out' });
    expect(settled.settledAnswer(campaign.id, winner, NOW)).toEqual({ kind: 'already-issued' });
    expect(calls).toEqual(before);
    // More stock: the copy drops, and nothing is final any more.
    await settled.define({ ...campaign, totalQuantity: 2 });
    expect(settled.settledAnswer(campaign.id, randomUserId(), NOW)).toBeUndefined();
  });

  it("answers a winner's coupon, instant included, and a loser's lookup from memory", async () => {
    const { settled, calls } = fixture();
    const { campaign, winners } = await soldOut(settled, 1);
    await eventually(() => settled.settledCampaigns === 1, { what: 'the copy' });
    const before = calls.findGrant;

    expect(await settled.findGrant(campaign.id, winners[0]!)).toEqual({
      kind: 'granted',
      sequence: 1,
      issuedAt: NOW,
      issued: 1,
    });
    expect(await settled.findGrant(campaign.id, randomUserId())).toEqual({ kind: 'none' });
    expect(calls.findGrant).toBe(before);
  });

  it('revives a copy left idle past twice the revalidation with one version read, not a reload', async () => {
    let now = 1_000_000;
    const { settled, calls } = fixture({ now: () => now });
    const { campaign, winners } = await soldOut(settled, 1);
    await eventually(() => settled.settledCampaigns === 1, { what: 'the copy' });
    now += 5_000; // nobody asked for five revalidation periods
    const before = calls.findGrant;

    // The first read after the idle stretch asks Redis (the copy is not trusted unconfirmed)…
    expect((await settled.findGrant(campaign.id, winners[0]!)).kind).toBe('granted');
    expect(calls.findGrant).toBe(before + 1);
    // …and the revalidation it started brings the copy back for the reads after it.
    await eventually(
      async () => {
        const asked = calls.findGrant;
        await settled.findGrant(campaign.id, randomUserId());
        return calls.findGrant === asked;
      },
      { what: 'the copy confirmed again' },
    );
    expect(settled.settledCampaigns).toBe(1);
  });

  it('drops the copy at once on new stock defined through it, and on a fence or a restore', async () => {
    const { settled, recovery } = fixture();
    const { campaign } = await soldOut(settled, 1);
    await eventually(() => settled.settledCampaigns === 1, { what: 'the copy' });

    await settled.define({ ...campaign, totalQuantity: 2 });
    expect(settled.settledCampaigns).toBe(0);
    expect((await settled.reserve(campaign.id, randomUserId(), NOW)).kind).toBe('issued');
    expect((await settled.reserve(campaign.id, randomUserId(), NOW)).kind).toBe('sold-out');
    await eventually(() => settled.settledCampaigns === 1, { what: 'the copy again' });

    await recovery.fence(campaign.id);
    expect(settled.settledCampaigns).toBe(0);
    expect(await settled.reserve(campaign.id, randomUserId(), NOW)).toEqual({ kind: 'not-ready' });
    await recovery.restore(campaign, [CouponMother.of(campaign.id, 1)]);
    expect(settled.settledCampaigns).toBe(0);
  });

  it("learns of another process's change at the next revalidation (bounded staleness)", async () => {
    let clock = Date.now();
    const { settled, inner } = fixture({ now: () => clock });
    const { campaign } = await soldOut(settled, 1);
    await eventually(() => settled.settledCampaigns === 1, { what: 'the copy' });

    await inner.define({ ...campaign, totalQuantity: 5 }); // another process: new stock
    expect(await settled.reserve(campaign.id, randomUserId(), NOW)).toEqual({ kind: 'sold-out' });
    clock += 1001; // due: the next answer starts a revalidation, which finds a new stamp
    await settled.reserve(campaign.id, randomUserId(), NOW);
    await eventually(() => settled.settledCampaigns === 0, { what: 'the copy dropped' });
    expect((await settled.reserve(campaign.id, randomUserId(), NOW)).kind).toBe('issued');
  });

  it('keeps a winner set past its bound in Redis', async () => {
    const { settled, calls } = fixture({ maxWinners: 1 });
    const { campaign } = await soldOut(settled, 2);
    await new Promise((resolve) => setTimeout(resolve, 50));
    const before = calls.reserve;
    await settled.reserve(campaign.id, randomUserId(), NOW);
    expect(settled.settledCampaigns).toBe(0);
    expect(calls.reserve).toBe(before + 1);
  });
});
