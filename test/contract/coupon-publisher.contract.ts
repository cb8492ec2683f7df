import { describe, expect, it } from 'vitest';
import {
  decodeCouponIssued,
  encodeCouponIssued,
} from '../../src/application/persist/coupon-issued-event.ts';
import type { CouponPublisher } from '../../src/application/ports/coupon-publisher.port.ts';
import type { Coupon } from '../../src/domain/coupon.ts';
import { useFixture } from '../support/contract-fixture.ts';
import { CouponMother, randomCampaignId } from '../support/mothers.ts';

export interface CouponPublisherFixture {
  readonly publisher: CouponPublisher;
  /**
   * Waits (with a deadline) until at least `expected` events are in the log, then returns
   * EVERY event in it as its wire payload, in any order. Returning everything, not just the
   * first `expected`, is what lets a test see a duplicate or a stray message.
   */
  readBack(expected: number): Promise<string[]>;
  close(): Promise<void>;
}

const coupons = (count: number): Coupon[] => {
  const campaignId = randomCampaignId();
  return Array.from({ length: count }, (_, i) => CouponMother.of(campaignId, i + 1));
};

const sorted = (values: readonly string[]): string[] => [...values].sort();

/**
 * One behaviour, every adapter: what the relay may assume of any CouponPublisher. Each test gets
 * a fresh fixture (for Kafka: a fresh random topic), so tests never see each other's events.
 */
export function describeCouponPublisherContract(
  name: string,
  makeFixture: () => Promise<CouponPublisherFixture>,
): void {
  describe(`CouponPublisher contract: ${name}`, () => {
    const fixture = useFixture(makeFixture, 'test');

    it('publishes each coupon encoded exactly as encodeCouponIssued, and it decodes back equal', async () => {
      const published = coupons(3);

      await fixture().publisher.publish(published);

      const payloads = await fixture().readBack(3);
      expect(sorted(payloads)).toEqual(sorted(published.map(encodeCouponIssued)));
      const decoded = payloads.map((payload) => {
        const result = decodeCouponIssued(payload);
        if (!result.ok) throw new Error(`undecodable payload ${payload}: ${result.error}`);
        return result.coupon;
      });
      const byUser = (a: Coupon, b: Coupon) => a.userId.localeCompare(b.userId);
      expect([...decoded].sort(byUser)).toEqual([...published].sort(byUser));
    });

    it('delivers every coupon of a batch of 2000 published in one call', async () => {
      const published = coupons(2000);

      await fixture().publisher.publish(published);

      const payloads = await fixture().readBack(2000);
      expect(payloads).toHaveLength(2000);
      expect(new Set(payloads)).toEqual(new Set(published.map(encodeCouponIssued)));
    });

    it('treats an empty publish as a no-op', async () => {
      await expect(fixture().publisher.publish([])).resolves.toBeUndefined();

      expect(await fixture().readBack(0)).toEqual([]);
    });

    it('delivers every coupon of concurrent publishes', async () => {
      const batches = Array.from({ length: 20 }, () => coupons(25));

      await Promise.all(batches.map((batch) => fixture().publisher.publish(batch)));

      const payloads = await fixture().readBack(500);
      expect(payloads).toHaveLength(500);
      expect(new Set(payloads)).toEqual(new Set(batches.flat().map(encodeCouponIssued)));
    });
  });
}
