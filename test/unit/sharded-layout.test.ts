import { describe, expect, it } from 'vitest';
import {
  baseQuota,
  clusterSlot,
  layoutOf,
  MAX_SEQUENCE,
  sequenceOf,
  sequenceSlot,
  shardOf,
  shardsFor,
} from '../../src/adapters/redis/sharded/sharded-layout.ts';
import { parseLedgerTag } from '../../src/adapters/redis/redis-keys.ts';
import type { CampaignId } from '../../src/domain/ids.ts';
import { randomCampaignId, randomUserId } from '../support/mothers.ts';

describe('sharded-stock layout (part of the data format: these values must never change)', () => {
  it('computes Redis Cluster slots (CRC16-XMODEM mod 16384)', () => {
    // Values from the Redis Cluster specification and `CLUSTER KEYSLOT`.
    expect(clusterSlot('123456789')).toBe(0x31c3 % 16384);
    expect(clusterSlot('foo')).toBe(12182);
    expect(clusterSlot('bar')).toBe(5061);
  });

  it('routes a user to the same sub-ledger every time (pinned: FNV-1a + murmur3 finaliser)', () => {
    const ids = ['alice', 'bob', 'carol', 'dave', 'user-1', 'user-2'];
    expect(ids.map((id) => shardOf(id, 16))).toEqual([14, 6, 5, 10, 12, 1]);
    expect(ids.map((id) => shardOf(id, 16))).toEqual(ids.map((id) => shardOf(id, 16)));
  });

  it('spreads random and sequential user ids evenly', () => {
    for (const ids of [
      Array.from({ length: 40_000 }, () => randomUserId()),
      Array.from({ length: 40_000 }, (_, i) => `user-${i}`),
    ]) {
      const counts = [0, 0, 0, 0];
      for (const id of ids) counts[shardOf(id, 4)]! += 1;
      for (const count of counts) expect(Math.abs(count - 10_000)).toBeLessThan(400);
    }
  });

  it('splits a total evenly, and each share only grows with the total', () => {
    expect([0, 1, 2, 3].map((shard) => baseQuota(10, 4, shard))).toEqual([3, 3, 2, 2]);
    expect([0, 1, 2, 3].map((shard) => baseQuota(3, 4, shard))).toEqual([1, 1, 1, 0]);
    for (let total = 0; total < 50; total++) {
      for (let shard = 0; shard < 4; shard++) {
        expect(baseQuota(total + 1, 4, shard)).toBeGreaterThanOrEqual(baseQuota(total, 4, shard));
      }
    }
  });

  it('gives each sub-ledger its own sequence space', () => {
    const seen = new Set<number>();
    for (let shard = 0; shard < 4; shard++) {
      for (let local = 1; local <= 100; local++) {
        const sequence = sequenceOf(local, 4, shard);
        expect(sequenceSlot(sequence, 4)).toEqual({ shard, local });
        seen.add(sequence);
      }
    }
    expect(seen.size).toBe(400);
    expect(Math.min(...seen)).toBe(1);
  });

  it('never lets a sequence exceed a signed 32-bit column', () => {
    expect(shardsFor(8, 1000)).toBe(8);
    expect(shardsFor(64, 100_000_000)).toBe(21);
    expect(21 * 100_000_000).toBeLessThanOrEqual(MAX_SEQUENCE);
    expect(shardsFor(200, 10)).toBe(64);
  });

  it('spreads the sub-ledgers of a campaign over the slot space, one N-th each', () => {
    for (let i = 0; i < 200; i++) {
      const { tags } = layoutOf(randomCampaignId(), 6);
      tags.forEach((tag, shard) => {
        const slot = clusterSlot(tag);
        expect(slot).toBeGreaterThanOrEqual(Math.floor((shard * 16384) / 6));
        expect(slot).toBeLessThan(Math.floor(((shard + 1) * 16384) / 6));
      });
    }
  });

  it('names sub-ledgers so the outbox finds the campaign they belong to, and nothing collides', () => {
    const { tags } = layoutOf('black-friday' as CampaignId, 3);
    for (const tag of tags) {
      expect(tag).toMatch(/^black-friday#\d+(\.\d+)?$/);
      expect(parseLedgerTag(tag)).toEqual({ tag, campaignId: 'black-friday' });
    }
    expect(parseLedgerTag('black-friday')).toEqual({
      tag: 'black-friday',
      campaignId: 'black-friday',
    });
    expect(parseLedgerTag('Black#1')).toBeUndefined();
    expect(parseLedgerTag('black-friday#{x}')).toBeUndefined();
  });
});
