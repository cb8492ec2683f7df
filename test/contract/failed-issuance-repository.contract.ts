import { afterEach, describe, expect, it } from 'vitest';
import type {
  FailedIssuance,
  FailedIssuanceRepository,
  NewFailedIssuance,
} from '../../src/application/ports/failed-issuance-repository.port.ts';
import { useFixture } from '../support/contract-fixture.ts';
import { randomCampaignId, randomUserId } from '../support/mothers.ts';

export interface FailedIssuanceRepositoryFixture {
  readonly failures: FailedIssuanceRepository;
  close(): Promise<void>;
}

/** Enough to see every open row a test run can leave behind (tests resolve what they open). */
const ALL_OPEN = 100_000;

const at = (minute: number, ms = 0) => new Date(Date.UTC(2026, 10, 25, 12, minute, 0, ms));

/**
 * One behaviour, every adapter: what RecordIssuedCoupons and RetryFailedIssuances may assume of
 * the dead-letter table. The table is shared by every test and process using the database and is
 * never truncated, so each test tags its rows with a random campaign id, looks only at those, and
 * resolves them afterwards; counts are asserted as differences (before/after), never absolutes.
 */
export function describeFailedIssuanceRepositoryContract(
  name: string,
  makeFixture: () => Promise<FailedIssuanceRepositoryFixture>,
): void {
  describe(`FailedIssuanceRepository contract: ${name}`, () => {
    const fixture = useFixture(makeFixture, 'suite');
    let markers: string[] = [];

    afterEach(async () => {
      // Resolve what this test left open, so the shared open set stays small across runs.
      for (const row of await openRowsOf(...markers)) {
        await fixture().failures.markResolved(row.id, at(59));
      }
      markers = [];
    });

    /** A fresh campaign id that tags this test's rows. */
    const marker = (): string => {
      const value = randomCampaignId('dlq');
      markers.push(value);
      return value;
    };

    const failure = (
      campaignId: string,
      overrides: Partial<NewFailedIssuance> = {},
    ): NewFailedIssuance => ({
      campaignId,
      userId: randomUserId(),
      payload: JSON.stringify({ v: 1, campaignId, note: 'poison' }),
      error: 'coupon refers to unknown campaign',
      attempts: 1,
      ...overrides,
    });

    /** This test's open rows, in the order listOpen returned them. */
    async function openRowsOf(...campaignIds: string[]): Promise<FailedIssuance[]> {
      if (campaignIds.length === 0) return [];
      return (await fixture().failures.listOpen(ALL_OPEN)).filter(
        (row) => row.campaignId !== undefined && campaignIds.includes(row.campaignId),
      );
    }

    it('records failures and lists them as open, values intact', async () => {
      const tag = marker();
      const recorded = [failure(tag), failure(tag, { userId: undefined, attempts: 3 })];

      await fixture().failures.recordAll(recorded, at(1, 250));

      const open = await openRowsOf(tag);
      expect(open).toHaveLength(2);
      open.forEach((row, i) => {
        expect(row).toEqual({
          ...recorded[i],
          id: expect.any(String) as string,
          createdAt: at(1, 250),
          updatedAt: at(1, 250),
          resolvedAt: undefined,
        });
      });
      expect(new Set(open.map((row) => row.id)).size).toBe(2);
    });

    it('keeps a failure without any ids (an undecodable payload)', async () => {
      const payload = `not json ${randomUserId()}`;

      await fixture().failures.recordAll(
        [
          {
            campaignId: undefined,
            userId: undefined,
            payload,
            error: 'payload is not JSON',
            attempts: 1,
          },
        ],
        at(2),
      );

      const row = (await fixture().failures.listOpen(ALL_OPEN)).find((r) => r.payload === payload);
      expect(row).toMatchObject({
        campaignId: undefined,
        userId: undefined,
        error: 'payload is not JSON',
      });
      if (row) await fixture().failures.markResolved(row.id, at(59));
    });

    it('keeps a large payload byte for byte', async () => {
      const tag = marker();
      // Larger than a 64 KiB TEXT column: a dead letter must never be refused for its size.
      const payload = JSON.stringify({ campaignId: tag, blob: 'é🎉'.repeat(40_000) });

      await fixture().failures.recordAll([failure(tag, { payload })], at(3));

      const [row] = await openRowsOf(tag);
      expect(row?.payload).toBe(payload);
    });

    it('lists open failures oldest first and honours the limit', async () => {
      const tag = marker();
      const first = failure(tag, { error: 'first' });
      const second = failure(tag, { error: 'second' });
      const third = failure(tag, { error: 'third' });
      // "Oldest" means recorded first, whatever `now` each call was given.
      await fixture().failures.recordAll([first, second], at(10));
      await fixture().failures.recordAll([third], at(5));

      expect((await openRowsOf(tag)).map((row) => row.error)).toEqual(['first', 'second', 'third']);
      // At least these three rows are open, so a limit of 2 returns exactly 2.
      expect(await fixture().failures.listOpen(2)).toHaveLength(2);
      expect(await fixture().failures.listOpen(0)).toEqual([]);
    });

    it('marks an attempt: attempts + 1, the latest error, updatedAt moves, still open', async () => {
      const tag = marker();
      await fixture().failures.recordAll([failure(tag, { attempts: 1 })], at(20));
      const [row] = await openRowsOf(tag);
      if (!row) throw new Error('recorded failure not listed');

      await fixture().failures.markAttempted(row.id, 'still failing', at(21, 5));

      const [after] = await openRowsOf(tag);
      expect(after).toEqual({
        ...row,
        attempts: 2,
        error: 'still failing',
        updatedAt: at(21, 5),
      });
    });

    it('counts every one of concurrent attempts on the same failure', async () => {
      const tag = marker();
      await fixture().failures.recordAll([failure(tag, { attempts: 1 })], at(22));
      const [row] = await openRowsOf(tag);
      if (!row) throw new Error('recorded failure not listed');

      await Promise.all(
        Array.from({ length: 10 }, (_, i) =>
          fixture().failures.markAttempted(row.id, `try ${i}`, at(23)),
        ),
      );

      const [after] = await openRowsOf(tag);
      expect(after?.attempts).toBe(11);
    });

    it('marks a failure resolved: it is no longer listed, the others stay open', async () => {
      const tag = marker();
      await fixture().failures.recordAll(
        [failure(tag, { error: 'a' }), failure(tag, { error: 'b' })],
        at(30),
      );
      const [a] = await openRowsOf(tag);
      if (!a) throw new Error('recorded failure not listed');

      await fixture().failures.markResolved(a.id, at(31));

      expect((await openRowsOf(tag)).map((row) => row.error)).toEqual(['b']);
    });

    it('counts open failures: recording adds, resolving removes (relative to other writers)', async () => {
      // Other tests and processes may write to the same table meanwhile: a measurement they
      // disturb is simply taken again, a few times, before the test gives up.
      let observed = '';
      for (let attempt = 1; attempt <= 5; attempt += 1) {
        const tag = marker();
        const before = await fixture().failures.countOpen();
        await fixture().failures.recordAll([failure(tag), failure(tag), failure(tag)], at(40));
        const afterRecord = await fixture().failures.countOpen();
        const [one] = await openRowsOf(tag);
        if (!one) throw new Error('recorded failure not listed');
        await fixture().failures.markResolved(one.id, at(41));
        const afterResolve = await fixture().failures.countOpen();
        observed = `+${afterRecord - before} then ${afterResolve - afterRecord}`;
        if (observed === '+3 then -1') return;
      }
      expect(observed).toBe('+3 then -1');
    });

    it('treats an empty batch and unknown ids as no-ops', async () => {
      await expect(fixture().failures.recordAll([], at(50))).resolves.toBeUndefined();
      for (const id of ['999999999999', 'not-an-id']) {
        await expect(fixture().failures.markResolved(id, at(50))).resolves.toBeUndefined();
        await expect(fixture().failures.markAttempted(id, 'nope', at(50))).resolves.toBeUndefined();
      }
    });
  });
}
