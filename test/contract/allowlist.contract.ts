import { describe, expect, it } from 'vitest';
import type { Allowlist } from '../../src/application/ports/allowlist.port.ts';
import type { UserId } from '../../src/domain/ids.ts';
import { useFixture } from '../support/contract-fixture.ts';
import { randomCampaignId, userIds } from '../support/mothers.ts';

export interface AllowlistFixture {
  readonly allowlist: Allowlist;
  close(): Promise<void>;
}

/** The durable allowlist, every adapter: idempotent batches, exact counts, keyset pages. */
export function describeAllowlistContract(
  name: string,
  makeFixture: () => Promise<AllowlistFixture>,
): void {
  describe(`Allowlist contract: ${name}`, () => {
    const fixture = useFixture(makeFixture, 'suite');

    it('adds and removes idempotently, counting only what changed', async () => {
      const campaignId = randomCampaignId();
      const users = userIds(5);

      expect(await fixture().allowlist.add(campaignId, users.slice(0, 3))).toBe(3);
      expect(await fixture().allowlist.add(campaignId, users)).toBe(2);
      expect(await fixture().allowlist.count(campaignId)).toBe(5);
      expect(await fixture().allowlist.remove(campaignId, [users[0]!, users[0]!, users[1]!])).toBe(
        2,
      );
      expect(await fixture().allowlist.remove(campaignId, [users[0]!])).toBe(0);
      expect(await fixture().allowlist.count(campaignId)).toBe(3);
      expect(await fixture().allowlist.count(randomCampaignId())).toBe(0);
    });

    it('pages in user id order, after the last id read', async () => {
      const campaignId = randomCampaignId();
      const users = userIds(7);
      await fixture().allowlist.add(campaignId, users);
      const sorted = [...users].sort();

      const first = await fixture().allowlist.page(campaignId, undefined, 3);
      const second = await fixture().allowlist.page(campaignId, first.at(-1), 3);
      const last = await fixture().allowlist.page(campaignId, second.at(-1), 3);

      expect([...first, ...second, ...last]).toEqual(sorted);
      expect(last).toHaveLength(1);
    });

    it('takes a batch of 5,000 users in one call', async () => {
      const campaignId = randomCampaignId();
      const many = Array.from({ length: 5000 }, (_, i) => `bulk-${i}` as UserId);
      expect(await fixture().allowlist.add(campaignId, many)).toBe(5000);
      expect(await fixture().allowlist.count(campaignId)).toBe(5000);
    });
  });
}
