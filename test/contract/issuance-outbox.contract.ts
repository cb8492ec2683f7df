import { afterEach, describe, expect, it } from 'vitest';
import type { IssuanceLedger } from '../../src/application/ports/issuance-ledger.port.ts';
import type {
  IssuanceOutbox,
  OutboxEntry,
} from '../../src/application/ports/issuance-outbox.port.ts';
import type { Campaign } from '../../src/domain/campaign.ts';
import type { Coupon } from '../../src/domain/coupon.ts';
import { CampaignMother, userIds } from '../support/mothers.ts';

export interface IssuanceOutboxFixtureOptions {
  /** How long a taken, unacknowledged entry stays with its relay before another may take it. */
  readonly claimAfterMs: number;
}

export interface IssuanceOutboxFixture {
  /** Writes the outbox (a grant appends its coupon), over the same store as the relays. */
  readonly ledger: IssuanceLedger;
  /**
   * One relay's view of the outbox (for Redis: one consumer of the group). Relays of one fixture
   * share the store; the fixture's store holds nothing but this test's entries.
   */
  readonly relay: (name: string) => IssuanceOutbox;
  close(): Promise<void>;
}

const NOW = new Date(Date.UTC(2026, 10, 25, 12, 0, 0));
const LONG_CLAIM = { claimAfterMs: 60_000 };
const SHORT_CLAIM = { claimAfterMs: 200 };

const bySequence = (a: Coupon, b: Coupon) => a.sequence - b.sequence;
const couponsOf = (entries: readonly OutboxEntry[]) => entries.map((entry) => entry.coupon);

/** What an outbox promises beyond the common contract. */
export interface IssuanceOutboxCapabilities {
  /**
   * Entries of one campaign come out in grant order (default). An outbox fed by a sharded-stock
   * ledger holds one stream per sub-ledger, ordered each, but not with each other: it promises
   * every entry, at least once, each to one relay, in no particular order across sub-ledgers
   * (nothing downstream relies on the order: the consumer is idempotent per coupon).
   */
  readonly orderedWithinCampaign?: boolean;
}

/**
 * One behaviour, every adapter: what the relay may assume of any IssuanceOutbox. At-least-once is
 * the heart of it: an entry leaves the outbox only through `acknowledge`; one taken and never
 * acknowledged comes back (to any relay) after the claim time, and meanwhile no other relay gets it.
 */
export function describeIssuanceOutboxContract(
  name: string,
  makeFixture: (options: IssuanceOutboxFixtureOptions) => Promise<IssuanceOutboxFixture>,
  capabilities: IssuanceOutboxCapabilities = {},
): void {
  const ordered = capabilities.orderedWithinCampaign ?? true;
  /** As granted when the outbox keeps grant order, else by sequence (on both sides). */
  const inOrder = (coupons: readonly Coupon[]) =>
    ordered ? [...coupons] : [...coupons].sort(bySequence);
  const sorted = (coupons: readonly Coupon[]) => [...coupons].sort(bySequence);

  describe(`IssuanceOutbox contract: ${name}`, () => {
    let fixture: IssuanceOutboxFixture | undefined;

    const setUp = async (options: IssuanceOutboxFixtureOptions) => {
      fixture = await makeFixture(options);
      return fixture;
    };

    afterEach(async () => {
      await fixture?.close();
      fixture = undefined;
    });

    /** Grants `count` coupons in a fresh campaign, in order; returns them by sequence. */
    const grant = async (
      ledger: IssuanceLedger,
      count: number,
      overrides: Partial<Campaign> = {},
    ) => {
      const campaign = CampaignMother.open(overrides);
      await ledger.define(campaign);
      const coupons: Coupon[] = [];
      for (const userId of userIds(count)) {
        const reservation = await ledger.reserve(campaign.id, userId, NOW);
        if (reservation.kind !== 'issued')
          throw new Error(`expected a grant, got ${reservation.kind}`);
        coupons.push(reservation.coupon);
      }
      return { campaign, coupons };
    };

    /** Takes until `expected` entries arrived or the deadline passed (never acknowledges). */
    const takeUntil = async (
      outbox: IssuanceOutbox,
      expected: number,
      max = 1000,
      deadlineMs = 10_000,
    ): Promise<OutboxEntry[]> => {
      const deadline = Date.now() + deadlineMs;
      const taken: OutboxEntry[] = [];
      while (taken.length < expected && Date.now() < deadline) {
        const batch = await outbox.take(Math.min(max, expected - taken.length), 100);
        expect(batch.length).toBeLessThanOrEqual(max);
        taken.push(...batch);
      }
      return taken;
    };

    const depthBecomes = async (outbox: IssuanceOutbox, expected: number) => {
      const deadline = Date.now() + 10_000;
      let depth = await outbox.depth();
      while (depth !== expected && Date.now() < deadline) {
        await new Promise((resolve) => setTimeout(resolve, 50));
        depth = await outbox.depth();
      }
      return depth;
    };

    it('returns nothing (after waiting at most about waitMs) when the outbox is empty', async () => {
      const { relay } = await setUp(LONG_CLAIM);
      const outbox = relay('a');

      expect(await outbox.take(10, 0)).toEqual([]);
      expect(await outbox.take(10, 100)).toEqual([]);
      expect(await outbox.depth()).toBe(0);
    });

    it('hands out every granted coupon, as granted, oldest first', async () => {
      const { ledger, relay } = await setUp(LONG_CLAIM);
      const { coupons } = await grant(ledger, 5);

      const taken = await takeUntil(relay('a'), 5);

      expect(inOrder(couponsOf(taken))).toEqual(inOrder(coupons));
      expect(new Set(taken.map((entry) => entry.id)).size).toBe(5);
    });

    it('never returns more than max per take, and the rest on the next takes', async () => {
      const { ledger, relay } = await setUp(LONG_CLAIM);
      const { coupons } = await grant(ledger, 10);
      const outbox = relay('a');

      const taken = await takeUntil(outbox, 10, 3);

      expect(couponsOf(taken).sort(bySequence)).toEqual(sorted(coupons));
    });

    it('removes acknowledged entries for good', async () => {
      const { ledger, relay } = await setUp(SHORT_CLAIM);
      await grant(ledger, 4);
      const outbox = relay('a');
      const taken = await takeUntil(outbox, 4);

      await outbox.acknowledge(taken);

      expect(await depthBecomes(outbox, 0)).toBe(0);
      // Well past the claim time: an acknowledged entry never comes back.
      await new Promise((resolve) => setTimeout(resolve, SHORT_CLAIM.claimAfterMs + 150));
      expect(await relay('b').take(10, 100)).toEqual([]);
      expect(await outbox.take(10, 100)).toEqual([]);
    });

    it('acknowledges only what it is given, and tolerates repeated or unknown entries', async () => {
      const { ledger, relay } = await setUp(LONG_CLAIM);
      const { coupons } = await grant(ledger, 3);
      const outbox = relay('a');
      const taken = await takeUntil(outbox, 3);
      const [first, ...rest] = taken as [OutboxEntry, ...OutboxEntry[]];

      await outbox.acknowledge([first]);
      await outbox.acknowledge([first]);
      await outbox.acknowledge([{ id: 'no-such-entry', coupon: first.coupon }]);
      await outbox.acknowledge([]);

      expect(await depthBecomes(outbox, 2)).toBe(2);
      await outbox.acknowledge(rest);
      expect(await depthBecomes(outbox, 0)).toBe(0);
      expect(inOrder(couponsOf(taken))).toEqual(inOrder(coupons));
    });

    it('counts in depth every entry not yet acknowledged, taken or not', async () => {
      const { ledger, relay } = await setUp(LONG_CLAIM);
      const outbox = relay('a');
      await grant(ledger, 6);
      expect(await depthBecomes(outbox, 6)).toBe(6);

      const taken = await takeUntil(outbox, 4, 4);
      expect(taken).toHaveLength(4);
      expect(await outbox.depth()).toBe(6);

      await outbox.acknowledge(taken);
      expect(await depthBecomes(outbox, 2)).toBe(2);
    });

    it('does not give an entry another relay holds to anyone while the claim time has not passed', async () => {
      const { ledger, relay } = await setUp(LONG_CLAIM);
      await grant(ledger, 3);
      const taken = await takeUntil(relay('a'), 3);
      expect(taken).toHaveLength(3);

      expect(await relay('b').take(10, 200)).toEqual([]);
      expect(await relay('a').take(10, 0)).toEqual([]);
    });

    it('delivers at least once: entries taken and never acknowledged come back after the claim time', async () => {
      const { ledger, relay } = await setUp(SHORT_CLAIM);
      const { coupons } = await grant(ledger, 3);
      const dead = relay('dies-before-ack');
      const taken = await takeUntil(dead, 3);
      expect(inOrder(couponsOf(taken))).toEqual(inOrder(coupons));

      const survivor = relay('survivor');
      const retaken = await takeUntil(survivor, 3);

      expect(couponsOf(retaken).sort(bySequence)).toEqual(sorted(coupons));
      await survivor.acknowledge(retaken);
      expect(await depthBecomes(survivor, 0)).toBe(0);
      // The dead relay's late acknowledgement of the same entries is harmless.
      await dead.acknowledge(taken);
      expect(await survivor.depth()).toBe(0);
    });

    it('gives each new entry to only one of two relays taking concurrently', async () => {
      const { ledger, relay } = await setUp(LONG_CLAIM);
      const { coupons } = await grant(ledger, 120, { totalQuantity: 120 });
      const relays = [relay('one'), relay('two')];
      const seen: OutboxEntry[][] = [[], []];

      const deadline = Date.now() + 10_000;
      while (seen[0]!.length + seen[1]!.length < coupons.length && Date.now() < deadline) {
        const batches = await Promise.all(relays.map((outbox) => outbox.take(7, 50)));
        batches.forEach((batch, i) => {
          expect(batch.length).toBeLessThanOrEqual(7);
          seen[i]!.push(...batch);
        });
      }

      const all = [...seen[0]!, ...seen[1]!];
      expect(all).toHaveLength(coupons.length);
      expect(new Set(all.map((entry) => entry.id)).size).toBe(coupons.length);
      expect(couponsOf(all).sort(bySequence)).toEqual(sorted(coupons));
      const firstRelaysUsers = new Set(couponsOf(seen[0]!).map((coupon) => coupon.userId));
      expect(couponsOf(seen[1]!).some((coupon) => firstRelaysUsers.has(coupon.userId))).toBe(false);
    });

    it('a campaign defined after a take() is visible to the next take()', async () => {
      // A relay that cached the campaigns it reads (the Redis one reads a registry) must not
      // miss one defined since: a relay draining at shutdown would exit with its grants unsent.
      const { ledger, relay } = await setUp(LONG_CLAIM);
      const outbox = relay('a');
      const one = await grant(ledger, 1);
      expect(couponsOf(await takeUntil(outbox, 1))).toEqual(one.coupons);

      const two = await grant(ledger, 1);

      // The very next take, with a short wait (no retry loop): B's entry, and nothing of A's.
      expect(couponsOf(await outbox.take(10, 200))).toEqual(two.coupons);
    });

    it('holds the grants of several campaigns, each campaign in grant order', async () => {
      const { ledger, relay } = await setUp(LONG_CLAIM);
      const one = await grant(ledger, 4);
      const two = await grant(ledger, 3);
      const outbox = relay('a');

      const taken = await takeUntil(outbox, 7);

      const of = (campaign: Campaign) =>
        inOrder(couponsOf(taken).filter((coupon) => coupon.campaignId === campaign.id));
      expect(of(one.campaign)).toEqual(inOrder(one.coupons));
      expect(of(two.campaign)).toEqual(inOrder(two.coupons));
      await outbox.acknowledge(taken);
      expect(await depthBecomes(outbox, 0)).toBe(0);
    });
  });
}
