import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { IssuanceLedger } from '../../src/application/ports/issuance-ledger.port.ts';
import type { IssuanceOutbox } from '../../src/application/ports/issuance-outbox.port.ts';
import type { LedgerAudit } from '../../src/application/ports/ledger-audit.port.ts';
import type { LedgerRecovery } from '../../src/application/ports/ledger-recovery.port.ts';
import type { Campaign } from '../../src/domain/campaign.ts';
import type { UserId } from '../../src/domain/ids.ts';
import { at } from '../support/ledger-expectations.ts';
import { CampaignMother, CouponMother, randomCampaignId, userIds } from '../support/mothers.ts';

export interface LedgerAuditFixture {
  readonly ledger: IssuanceLedger;
  readonly recovery: LedgerRecovery;
  readonly outbox: IssuanceOutbox;
  readonly audit: LedgerAudit;
  close(): Promise<void>;
}

/**
 * The ledger as the persistence audit reads it (issue 22): what it granted, counted per sequence
 * range and listed per range; a re-emit that can only repeat a grant the ledger holds; one audit
 * lease holder at a time. Observed through the ledger's own reserve and restore, so the index the
 * audit reads is proven to follow every way a grant is written.
 */
export function describeLedgerAuditContract(
  name: string,
  makeFixture: () => Promise<LedgerAuditFixture>,
): void {
  describe(`LedgerAudit contract: ${name}`, () => {
    let fixture: LedgerAuditFixture;

    beforeEach(async () => {
      fixture = await makeFixture();
    });
    afterEach(async () => {
      await fixture.close();
    });

    const granted = async (users: readonly UserId[]): Promise<Campaign> => {
      const campaign = CampaignMother.open({ totalQuantity: 100 });
      await fixture.ledger.define(campaign);
      for (const [i, user] of users.entries()) {
        expect((await fixture.ledger.reserve(campaign.id, user, at(i))).kind).toBe('issued');
      }
      return campaign;
    };

    const drainOutbox = async () => {
      const entries = await fixture.outbox.take(1000, 0);
      await fixture.outbox.acknowledge(entries);
      return entries.map((entry) => entry.coupon);
    };

    it('counts and lists every grant by sequence range, with its user and instant', async () => {
      const users = userIds(5);
      const campaign = await granted(users);

      expect(await fixture.audit.countByRange(campaign.id, 1, 5, 2)).toEqual([2, 2, 1]);
      expect(await fixture.audit.grantsIn(campaign.id, 2, 3)).toEqual([
        { sequence: 2, userId: users[1], issuedAt: at(1) },
        { sequence: 3, userId: users[2], issuedAt: at(2) },
      ]);
    });

    it('snapshots the grants, the highest sequence, the outbox and the audited mark', async () => {
      const campaign = await granted(userIds(3));

      expect(await fixture.audit.snapshot(campaign.id)).toEqual({
        kind: 'ready',
        grants: 3,
        highest: 3,
        auditedGrants: undefined,
        outboxDepth: 3,
        returned: 0,
      });
      await drainOutbox();
      await fixture.audit.markAudited(campaign.id, 3);
      expect(await fixture.audit.snapshot(campaign.id)).toMatchObject({
        grants: 3,
        auditedGrants: 3,
        outboxDepth: 0,
      });
      expect(await fixture.audit.snapshot(randomCampaignId())).toEqual({
        kind: 'unavailable',
        reason: 'unknown',
      });
    });

    it('re-emits a granted coupon as it was granted, and nothing the ledger does not hold', async () => {
      const users = userIds(3);
      const campaign = await granted(users);
      await drainOutbox();

      expect(await fixture.audit.reemit(campaign.id, [2, 99])).toBe(1);

      expect(await drainOutbox()).toEqual([
        { campaignId: campaign.id, userId: users[1], sequence: 2, issuedAt: at(1) },
      ]);
    });

    it('keeps the index through a restore: the restored winners are counted', async () => {
      const campaign = await granted(userIds(2));
      const record = [1, 2, 3, 4].map((s) => CouponMother.of(campaign.id, s));

      await fixture.recovery.restore(campaign, record);

      const total = (await fixture.audit.countByRange(campaign.id, 1, 4, 10)).reduce(
        (a, b) => a + b,
      );
      // The merge a reconciliation passes holds every winner; here the record's four.
      expect(total).toBe(4);
      expect(await fixture.audit.grantsIn(campaign.id, 3, 3)).toEqual([
        { sequence: 3, userId: record[2]?.userId, issuedAt: record[2]?.issuedAt },
      ]);
    });

    it('tells which campaigns granted since the last call, under one stable run', async () => {
      const before = await fixture.audit.changes();
      const campaign = await granted(userIds(2));

      const after = await fixture.audit.changes();

      expect(after.touched.has(campaign.id)).toBe(true);
      expect(after.run).toBe(before.run);
      expect(after.run).not.toBe('');
    });

    it('leases a campaign to one holder at a time; the holder renews it', async () => {
      const campaign = await granted([]);

      expect(await fixture.audit.claim(campaign.id, 'a', 60_000)).toBe(true);
      expect(await fixture.audit.claim(campaign.id, 'b', 60_000)).toBe(false);
      expect(await fixture.audit.claim(campaign.id, 'a', 60_000)).toBe(true);
    });
  });
}
