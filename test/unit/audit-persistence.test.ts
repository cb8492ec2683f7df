import { describe, expect, it } from 'vitest';
import { InMemoryIssuanceOutbox } from '../../src/adapters/memory/in-memory-issuance-outbox.ts';
import { InMemoryLedgerAudit } from '../../src/adapters/memory/in-memory-ledger-audit.ts';
import { InMemoryRecordAudit } from '../../src/adapters/memory/in-memory-record-audit.ts';
import { AuditPersistence } from '../../src/application/audit/audit-persistence.ts';
import type { LedgerAudit } from '../../src/application/ports/ledger-audit.port.ts';
import type { RecordAudit } from '../../src/application/ports/record-audit.port.ts';
import type { Campaign } from '../../src/domain/campaign.ts';
import type { Coupon } from '../../src/domain/coupon.ts';
import type { CampaignId } from '../../src/domain/ids.ts';
import { CampaignMother, CouponMother, userIds } from '../support/mothers.ts';
import { silentLogger } from '../support/test-logger.ts';
import { inMemoryReconciliation, openCampaign } from './fakes.ts';

const GRACE_MS = 10_000;
const SETTLED_RECOUNT_MS = 30_000;

/** The audit over one process's in-memory adapters, a backlog the test sets, and a campaign of 100. */
async function given(options: { rangeSize?: number; holder?: string } = {}) {
  const world = inMemoryReconciliation();
  const outbox = new InMemoryIssuanceOutbox(world.store);
  const ledgerAudit = new InMemoryLedgerAudit(world.store, () => world.clock.now().getTime());
  const calls = { countByRange: 0, counts: 0, snapshot: 0 };
  const records = new InMemoryRecordAudit(world.coupons);
  /**
   * `beforeCount` runs just before the rows are counted: what the consumer does meanwhile.
   * `run`, when set, is the ledger's run as `changes` tells it (a Redis restart, a restore).
   */
  const hooks: { beforeCount: () => Promise<void>; run?: string } = {
    beforeCount: async () => {},
  };
  /** Sequences whose rows MySQL lost (a lagging replica promoted): hidden until written again. */
  const lost = new Set<number>();
  const visible = async (id: CampaignId, from: number, to: number) =>
    (await records.rowsIn(id, from, to)).filter((row) => !lost.has(row.sequence));
  const countedRecords: RecordAudit = {
    counts: async (ids) => {
      calls.counts += 1;
      await hooks.beforeCount();
      const counts = new Map(await records.counts(ids));
      if (lost.size > 0) {
        for (const id of ids)
          counts.set(id, (await visible(id, 1, Number.MAX_SAFE_INTEGER)).length);
      }
      return counts;
    },
    countByRange: async (id, from, to, size) => {
      const counts: number[] = [];
      for (let start = from; start <= to; start += size) counts.push(0);
      for (const row of await visible(id, from, to)) {
        const bucket = Math.floor((row.sequence - from) / size);
        counts[bucket] = (counts[bucket] ?? 0) + 1;
      }
      return counts;
    },
    rowsIn: (id, from, to) => visible(id, from, to),
  };
  const counted: LedgerAudit = {
    snapshot: (id) => {
      calls.snapshot += 1;
      return ledgerAudit.snapshot(id);
    },
    changes: async () => {
      const changes = await ledgerAudit.changes();
      return hooks.run === undefined ? changes : { ...changes, run: hooks.run };
    },
    countByRange: (...args) => {
      calls.countByRange += 1;
      return ledgerAudit.countByRange(...args);
    },
    grantsIn: (...args) => ledgerAudit.grantsIn(...args),
    reemit: (...args) => ledgerAudit.reemit(...args),
    claim: (...args) => ledgerAudit.claim(...args),
    markAudited: (...args) => ledgerAudit.markAudited(...args),
  };
  const backlog = { value: 0, pending: async () => backlog.value };
  /** What the audit counted for the campaigns' reports: campaign → re-emitted grants. */
  const reported = new Map<CampaignId, number>();
  const report = {
    reemitted: (id: CampaignId, count: number) => reported.set(id, (reported.get(id) ?? 0) + count),
  };
  const audit = new AuditPersistence(
    world.campaigns,
    counted,
    countedRecords,
    backlog,
    world.clock,
    silentLogger,
    {
      graceMs: GRACE_MS,
      rangeSize: options.rangeSize ?? 10,
      maxRangesPerCycle: 100,
      maxRepairsPerCycle: 1000,
      settledRecountMs: SETTLED_RECOUNT_MS,
      leaseMs: 30_000,
      holder: options.holder ?? 'this-process',
    },
    report,
  );
  const campaign = await openCampaign(
    world.campaigns,
    world.ledger,
    CampaignMother.open({ totalQuantity: 100 }),
  );
  /** Grants to `count` new users, one per ms. */
  const grant = async (count: number): Promise<Coupon[]> => {
    const coupons: Coupon[] = [];
    for (const user of userIds(count)) {
      world.clock.advance(1);
      const reservation = await world.ledger.reserve(campaign.id, user, world.clock.now());
      if (reservation.kind !== 'issued') throw new Error(reservation.kind);
      coupons.push(reservation.coupon);
    }
    return coupons;
  };
  /** The relay and the consumer: everything in the outbox becomes a row, except `lose`. */
  const persist = async (lose: (coupon: Coupon) => boolean = () => false): Promise<Coupon[]> => {
    const entries = await outbox.take(10_000, 0);
    await outbox.acknowledge(entries);
    const coupons = entries.map((entry) => entry.coupon);
    const kept = coupons.filter((coupon) => !lose(coupon));
    await world.coupons.saveAll(kept);
    for (const coupon of kept) lost.delete(coupon.sequence);
    return coupons;
  };
  /** An operator's change of the campaign's definition, as the catalog then lists it. */
  const redefine = (change: Partial<Campaign>) =>
    world.campaigns.update(campaign.id, async (current) => ({
      result: undefined,
      campaign: { ...current, ...change },
    }));
  return {
    ...world,
    outbox,
    ledgerAudit,
    audit,
    backlog,
    campaign,
    grant,
    persist,
    calls,
    hooks,
    lost,
    redefine,
    reported,
  };
}

describe('AuditPersistence (issue 22)', () => {
  it('re-emits every grant without a row, as granted, once older than the grace period', async () => {
    const t = await given();
    const coupons = await t.grant(30);
    await t.persist((coupon) => coupon.sequence > 25);
    t.clock.advance(GRACE_MS);

    const [finding] = await t.audit.run();

    expect(finding).toMatchObject({ grants: 30, rows: 25, missing: 5, repaired: 5, clean: false });
    const reemitted = await t.persist();
    expect(reemitted).toEqual(coupons.slice(25));
    expect(await t.coupons.listByCampaign(t.campaign.id, 0, 100)).toEqual(coupons);
    expect(await t.audit.run()).toEqual([expect.objectContaining({ clean: true, missing: 0 })]);
    // The campaign's report counts the re-emitted grants, once.
    expect(t.reported).toEqual(new Map([[t.campaign.id, 5]]));
  });

  it('leaves a grant younger than the grace period alone (it is probably in flight)', async () => {
    const t = await given();
    await t.grant(5);
    await t.persist((coupon) => coupon.sequence === 5);

    const [finding] = await t.audit.run();

    expect(finding).toMatchObject({ missing: 1, repaired: 0, deferred: 'grace' });
    expect(await t.outbox.depth()).toBe(0);
    expect(t.reported.size).toBe(0);
  });

  it('waits while the campaign has entries in its outbox or the log has unconsumed events', async () => {
    const t = await given();
    await t.grant(4);
    await t.persist((coupon) => coupon.sequence === 4);
    await t.grant(1);
    t.clock.advance(GRACE_MS);

    expect((await t.audit.run())[0]).toMatchObject({ missing: 2, repaired: 0, deferred: 'outbox' });
    await t.persist((coupon) => coupon.sequence === 5);
    t.backlog.value = 3;
    expect((await t.audit.run())[0]).toMatchObject({ missing: 2, repaired: 0, deferred: 'log' });
    t.backlog.value = 0;
    expect((await t.audit.run())[0]).toMatchObject({ missing: 2, repaired: 2 });
  });

  it('counts a row the ledger never granted, never deletes it, never re-emits it', async () => {
    const t = await given();
    await t.grant(3);
    await t.persist();
    const foreign = CouponMother.of(t.campaign.id, 50);
    await t.coupons.saveAll([foreign]);
    t.clock.advance(GRACE_MS);

    const [finding] = await t.audit.run();

    expect(finding).toMatchObject({ grants: 3, rows: 4, foreign: 1, missing: 0, repaired: 0 });
    expect(await t.coupons.find(t.campaign.id, foreign.userId)).toEqual(foreign);
    expect(await t.outbox.depth()).toBe(0);
  });

  it('reads no range of a campaign it already found equal, until a row goes missing', async () => {
    const t = await given();
    await t.grant(20);
    await t.persist();
    await t.audit.run();
    const compared = t.calls.countByRange;

    expect(await t.audit.run()).toEqual([expect.objectContaining({ clean: true })]);
    expect(await t.audit.run()).toEqual([expect.objectContaining({ clean: true })]);
    expect(t.calls.countByRange).toBe(compared);

    await t.grant(1);
    await t.persist(() => true);
    expect((await t.audit.run())[0]).toMatchObject({ missing: 1 });
    expect(t.calls.countByRange).toBe(compared + 1);
  });

  it('counts a settled campaign’s rows once per recount interval, not every cycle', async () => {
    const t = await given();
    await t.grant(10);
    await t.persist();
    t.clock.advance(GRACE_MS);
    expect(await t.audit.run()).toEqual([expect.objectContaining({ clean: true })]);
    const afterFirst = t.calls.counts;

    t.clock.advance(SETTLED_RECOUNT_MS - 1);
    expect(await t.audit.run()).toEqual([expect.objectContaining({ clean: true })]);
    expect(t.calls.counts).toBe(afterFirst);

    t.clock.advance(1);
    await t.audit.run();
    expect(t.calls.counts).toBe(afterFirst + 1);

    // A new grant unsettles it: counted at the next cycle, whatever the interval.
    await t.grant(1);
    await t.audit.run();
    expect(t.calls.counts).toBe(afterFirst + 2);
  });

  it('never takes a grant made and persisted while a cycle runs for a row without a grant', async () => {
    const t = await given();
    await t.grant(5);
    await t.persist();
    t.hooks.beforeCount = async () => {
      t.hooks.beforeCount = async () => {};
      await t.grant(1);
      await t.persist();
    };

    const [finding] = await t.audit.run();

    expect(finding).toMatchObject({ foreign: 0, missing: 0 });
  });

  it('lists only the ranges whose counts differ', async () => {
    const t = await given({ rangeSize: 10 });
    await t.grant(40);
    await t.persist((coupon) => coupon.sequence === 17);

    expect((await t.audit.run())[0]).toMatchObject({ mismatchedRanges: 1, listedRanges: 1 });
  });

  it('does nothing with a campaign another process is auditing', async () => {
    const t = await given();
    await t.grant(3);
    await t.persist(() => true);
    t.clock.advance(GRACE_MS);
    expect(await t.ledgerAudit.claim(t.campaign.id, 'another-process', 60_000)).toBe(true);

    expect(await t.audit.run()).toEqual([]);
    expect(await t.outbox.depth()).toBe(0);
  });

  it('reports without repairing when asked to (npm run audit without --repair)', async () => {
    const t = await given();
    await t.grant(3);
    await t.persist(() => true);
    t.clock.advance(GRACE_MS);

    expect(await t.audit.audit(t.campaign.id, false)).toMatchObject({
      kind: 'audited',
      finding: { missing: 3, repaired: 0, deferred: 'report-only' },
    });
    expect(await t.outbox.depth()).toBe(0);
  });

  it('repairs on demand (npm run audit --repair), unless another process holds the lease', async () => {
    const t = await given();
    await t.grant(3);
    await t.persist(() => true);
    t.clock.advance(GRACE_MS);
    expect(await t.ledgerAudit.claim(t.campaign.id, 'another-process', 60_000)).toBe(true);

    expect(await t.audit.audit(t.campaign.id, true)).toEqual({ kind: 'busy' });
    expect(await t.outbox.depth()).toBe(0);

    t.clock.advance(60_000);
    expect(await t.audit.audit(t.campaign.id, true)).toMatchObject({
      kind: 'audited',
      finding: { missing: 3, repaired: 3 },
    });
    expect(await t.outbox.depth()).toBe(3);
  });

  describe('a settled, clean campaign costs no ledger read until something happens to it (issue 28)', () => {
    /** The campaign of 100 sold out, every row persisted, and found clean once. */
    async function quiet() {
      const t = await given();
      const coupons = await t.grant(100);
      await t.persist();
      t.clock.advance(GRACE_MS);
      expect(await t.audit.run()).toEqual([expect.objectContaining({ clean: true, grants: 100 })]);
      return { ...t, coupons };
    }

    it('reads nothing from the ledger at the next cycles, and still reports it clean', async () => {
      const t = await quiet();
      const snapshots = t.calls.snapshot;
      const counts = t.calls.counts;

      for (let cycle = 0; cycle < 5; cycle++) {
        t.clock.advance(1000);
        expect(await t.audit.run()).toEqual([
          expect.objectContaining({ clean: true, grants: 100 }),
        ]);
      }

      expect(t.calls.snapshot).toBe(snapshots);
      expect(t.calls.counts).toBe(counts);
      expect(t.audit.summary()).toMatchObject({ grantsWithoutRow: 0, unclean: [] });
    });

    it('an ended campaign that never sold out is settled too', async () => {
      const t = await given();
      await t.grant(10);
      await t.persist();
      await t.redefine({ endsAt: new Date(t.clock.now().getTime() + 1) });
      t.clock.advance(GRACE_MS);
      await t.audit.run();
      const snapshots = t.calls.snapshot;

      await t.audit.run();

      expect(t.calls.snapshot).toBe(snapshots);
    });

    it('is audited again after a grant: a revocation that returns stock, then a grant whose row is lost', async () => {
      const t = await quiet();
      const first = t.coupons[0]!;
      const revoked = await t.controls.revoke(t.campaign.id, first.userId, {
        returnToStock: true,
        at: t.clock.now(),
      });
      expect(revoked.kind).toBe('revoked');
      await t.persist();
      const [regranted] = await t.grant(1);
      await t.persist(() => true);
      t.clock.advance(GRACE_MS);

      const [finding] = await t.audit.run();

      expect(finding).toMatchObject({ grants: 101, missing: 1, repaired: 1 });
      expect(await t.persist()).toEqual([regranted]);
    });

    it('is audited again under a new ledger run (a Redis restart or restored backup)', async () => {
      const t = await quiet();
      const snapshots = t.calls.snapshot;
      await t.audit.run();
      expect(t.calls.snapshot).toBe(snapshots);

      t.hooks.run = 'a-restarted-redis';
      await t.audit.run();

      expect(t.calls.snapshot).toBeGreaterThan(snapshots);
    });

    it('is audited again when its definition changes in the catalog (new stock)', async () => {
      const t = await quiet();
      const snapshots = t.calls.snapshot;

      await t.redefine({ totalQuantity: 150 });
      await t.audit.run();

      expect(t.calls.snapshot).toBeGreaterThan(snapshots);
    });

    it('finds rows MySQL lost by the recount alone, then reads the ledger and repairs them', async () => {
      const t = await quiet();
      for (const coupon of t.coupons.slice(90)) t.lost.add(coupon.sequence);
      const snapshots = t.calls.snapshot;

      t.clock.advance(SETTLED_RECOUNT_MS - GRACE_MS - 1);
      expect(await t.audit.run()).toEqual([expect.objectContaining({ clean: true })]);
      expect(t.calls.snapshot).toBe(snapshots);

      t.clock.advance(GRACE_MS + 1);
      const [finding] = await t.audit.run();

      expect(finding).toMatchObject({ grants: 100, rows: 90, missing: 10, repaired: 10 });
      expect(await t.persist()).toEqual(t.coupons.slice(90));
      expect(await t.audit.run()).toEqual([expect.objectContaining({ clean: true, rows: 100 })]);
    });
  });
});
