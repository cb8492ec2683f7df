import { context, trace, TraceFlags } from '@opentelemetry/api';
import { AsyncLocalStorageContextManager } from '@opentelemetry/context-async-hooks';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RedisConnection } from '../../src/adapters/redis/redis-client.ts';
import { formatTraceparent } from '../../src/adapters/tracing/traceparent.ts';
import { drain } from '../support/ledger-reads.ts';
import { CampaignMother, userIds } from '../support/mothers.ts';
import {
  forgetNamespace,
  ledgerAndRecovery,
  outboxOf,
  testNamespace,
  type RedisLayout,
} from '../support/redis-layouts.ts';

const NOW = new Date(Date.UTC(2026, 10, 25, 12, 0, 0));
const at = (ms: number) => new Date(NOW.getTime() + ms);

/** A span context of its own per user, as each application's HTTP span would be. */
function spanOf(index: number) {
  const hex = (index + 1).toString(16);
  return {
    traceId: hex.padStart(32, 'a'),
    spanId: hex.padStart(16, 'b'),
    traceFlags: TraceFlags.SAMPLED,
  };
}

/** Runs `call` with `index`'s span active, as the traced reserve runs the ledger. */
function within<T>(index: number, call: () => Promise<T>): Promise<T> {
  const span = trace.wrapSpanContext(spanOf(index));
  return context.with(trace.setSpan(context.active(), span), call);
}

/**
 * The trace context travels with the coupon (issue #25): the reserve keeps the application's
 * traceparent in the outbox entry, on every layout, and a shuffled opening's draw, which one
 * caller runs for every collected application, keeps each coupon's OWN application's trace,
 * never the drawing caller's.
 */
export function describeOutboxTraces(redisLayout: RedisLayout, connection: () => RedisConnection) {
  describe('the outbox keeps each coupon’s trace', () => {
    const manager = new AsyncLocalStorageContextManager();
    beforeAll(() => {
      context.setGlobalContextManager(manager.enable());
    });
    afterAll(() => {
      manager.disable();
      context.disable();
    });

    const fixture = () => {
      const redis = connection();
      const keys = testNamespace();
      return {
        ...ledgerAndRecovery(redisLayout, redis, keys),
        outbox: outboxOf(redis, keys, 'traces'),
        close: () => forgetNamespace(redis, keys),
      };
    };

    const tracesByUser = async (outbox: ReturnType<typeof fixture>['outbox'], n: number) =>
      new Map((await drain(outbox, n)).map((entry) => [entry.coupon.userId, entry.trace]));

    it('a grant carries the traceparent of the application that made it', async () => {
      const { ledger, outbox, close } = fixture();
      try {
        const campaign = CampaignMother.open({ totalQuantity: 3 });
        await ledger.define(campaign);
        const users = userIds(3);
        await Promise.all(
          users.map((userId, i) => within(i, () => ledger.reserve(campaign.id, userId, NOW))),
        );

        const traces = await tracesByUser(outbox, 3);
        users.forEach((userId, i) => expect(traces.get(userId)).toBe(formatTraceparent(spanOf(i))));
      } finally {
        await close();
      }
    });

    it('a shuffled opening’s draw keeps each applicant’s own trace, not the drawing caller’s', async () => {
      const { ledger, outbox, close } = fixture();
      try {
        const W = 500;
        const campaign = CampaignMother.open({
          totalQuantity: 4,
          startsAt: NOW,
          endsAt: at(3_600_000),
          openingShuffleMs: W,
        });
        await ledger.define(campaign);
        const users = userIds(4);
        for (const [i, userId] of users.entries()) {
          await within(i, () => ledger.reserve(campaign.id, userId, at(i)));
        }
        // Each applicant's request asks for its answer within its own trace; the first ask draws
        // every collected application (of its sub-ledger, sharded), the others' included.
        for (const [i, userId] of users.entries()) {
          await within(i, () => ledger.collect(campaign.id, userId, NOW, at(W)));
        }

        const traces = await tracesByUser(outbox, 4);
        expect(traces.size).toBe(4);
        users.forEach((userId, i) => expect(traces.get(userId)).toBe(formatTraceparent(spanOf(i))));
      } finally {
        await close();
      }
    });
  });
}
