import { describe, expect, it } from 'vitest';
import type { OutboxEntry } from '../../src/application/ports/issuance-outbox.port.ts';
import { MIN_QUIET_MS } from '../../src/adapters/redis/outbox-activity.ts';
import type { RedisConnection } from '../../src/adapters/redis/redis-client.ts';
import { RedisIssuanceLedger } from '../../src/adapters/redis/redis-issuance-ledger.ts';
import { RedisIssuanceOutbox } from '../../src/adapters/redis/redis-issuance-outbox.ts';
import type { ShardedKeys } from '../../src/adapters/redis/sharded/sharded-layout.ts';
import { CampaignMother, randomUserId } from '../support/mothers.ts';
import { useNamespaces, useRedis } from '../support/redis-layouts.ts';

const NOW = new Date(Date.UTC(2026, 10, 25, 12, 0, 0));

/**
 * The connection as a relay sees it, counting every command the relay sends by name: what an idle
 * relay costs Redis is what these tests are about (issue 28: it once polled every campaign).
 */
function counted(redis: RedisConnection) {
  const sent = new Map<string, number>();
  const count = (name: string) => sent.set(name, (sent.get(name) ?? 0) + 1);
  const proxy = new Proxy(redis, {
    get(target, property, receiver) {
      const value: unknown = Reflect.get(target, property, receiver);
      if (typeof value !== 'function' || typeof property !== 'string') return value;
      if (property === 'defineCommand') return (value as (...a: unknown[]) => unknown).bind(target);
      return (...args: unknown[]) => {
        count(property === 'call' ? String(args[0]).toLowerCase() : property);
        return (value as (...a: unknown[]) => unknown).apply(target, args);
      };
    },
  });
  return { redis: proxy, sent, reset: () => sent.clear() };
}

describe('RedisIssuanceOutbox: the index of active streams (idle cost)', () => {
  const redis = useRedis('single');
  const namespace = useNamespaces(redis);

  const relayOn = (connection: RedisConnection, keys: ShardedKeys, quietMs = 60_000) =>
    new RedisIssuanceOutbox(connection, {
      consumerName: 'relay',
      keyPrefix: keys.prefix,
      sweepIntervalMs: 20,
      fullSweepIntervalMs: 3_600_000,
      quietMs,
    });

  const ledgerOf = (keys: ShardedKeys) =>
    new RedisIssuanceLedger(redis(), { keyPrefix: keys.prefix });

  /** Defines `count` campaigns with one grant each. */
  const grantInEach = async (keys: ShardedKeys, count: number) => {
    const ledger = ledgerOf(keys);
    const campaigns = Array.from({ length: count }, () => CampaignMother.open());
    for (const campaign of campaigns) {
      await ledger.define(campaign);
      expect((await ledger.reserve(campaign.id, randomUserId(), NOW)).kind).toBe('issued');
    }
    return campaigns;
  };

  const relayAll = async (relay: RedisIssuanceOutbox, expected: number) => {
    const deadline = Date.now() + 10_000;
    const taken: OutboxEntry[] = [];
    while (taken.length < expected && Date.now() < deadline) {
      const batch = await relay.take(100, 50);
      await relay.acknowledge(batch);
      taken.push(...batch);
    }
    return taken;
  };

  it('forgets relayed streams once quiet: an idle relay then sends one index read per sweep', async () => {
    const keys = namespace();
    const [first, ...rest] = await grantInEach(keys, 30);
    const granted = rest.length + 1;
    if (!first) throw new Error('no campaign');
    const spy = counted(redis());
    const relay = relayOn(spy.redis, keys, MIN_QUIET_MS);
    expect(await relayAll(relay, granted)).toHaveLength(granted);
    expect(await redis().zcard(keys.outboxActive)).toBe(granted);

    // Past the quiet time, the next sweeps find the streams empty and drop them from the index.
    await new Promise((resolve) => setTimeout(resolve, MIN_QUIET_MS + 100));
    expect(await relay.take(10, 100)).toEqual([]);
    expect(await redis().zcard(keys.outboxActive)).toBe(0);

    spy.reset();
    expect(await relay.take(10, 200)).toEqual([]);
    const sent = Object.fromEntries(spy.sent);
    // Nothing but the index read (one script, ~one per 20 ms sweep): no stream is probed.
    expect(Object.keys(sent)).toEqual(['couponActiveStreams']);
    expect(sent['couponActiveStreams']).toBeGreaterThan(0);

    // A forgotten campaign that grants again is listed again before the grant: this relay (in
    // another "process": no shared signal) finds it at its next sweep.
    const again = await ledgerOf(keys).reserve(first.id, randomUserId(), NOW);
    expect(again.kind).toBe('issued');
    expect(await redis().zscore(keys.outboxActive, first.id)).not.toBeNull();
    expect(await relayAll(relay, 1)).toHaveLength(1);
    relay.close();
  });

  it('keeps a stream with entries in the index however old its mark', async () => {
    const keys = namespace();
    await grantInEach(keys, 1);
    const relay = relayOn(redis(), keys, MIN_QUIET_MS);
    await new Promise((resolve) => setTimeout(resolve, MIN_QUIET_MS + 100));

    // Unrelayed and old: still listed, and delivered.
    expect(await relay.take(10, 100)).toHaveLength(1);
    expect(await redis().zcard(keys.outboxActive)).toBe(1);
    relay.close();
  });

  it('puts back a non-empty stream the index lacks (a mark lost, or data from before the index)', async () => {
    const keys = namespace();
    await grantInEach(keys, 3);
    await redis().del(keys.outboxActive);

    // A relay's first take reads the whole registry once.
    const relay = relayOn(redis(), keys);
    expect(await relayAll(relay, 3)).toHaveLength(3);
    expect(await redis().zcard(keys.outboxActive)).toBe(3);
    relay.close();
  });

  it('refuses a quiet time too short to cover a grant in flight', () => {
    const keys = namespace();
    expect(() => relayOn(redis(), keys, MIN_QUIET_MS - 1)).toThrow(RangeError);
  });
});
