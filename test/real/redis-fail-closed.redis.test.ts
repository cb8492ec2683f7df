import { afterAll, describe, expect, it } from 'vitest';
import { LedgerUnavailableError } from '../../src/application/errors.ts';
import { connectRedis, createRedisClient } from '../../src/adapters/redis/redis-client.ts';
import { RedisHealthCheck } from '../../src/adapters/redis/redis-health-check.ts';
import { RedisIssuanceLedger } from '../../src/adapters/redis/redis-issuance-ledger.ts';
import { RedisLedgerRecovery } from '../../src/adapters/redis/redis-ledger-recovery.ts';
import { RedisIssuanceOutbox } from '../../src/adapters/redis/redis-issuance-outbox.ts';
import { CampaignMother, randomCampaignId, randomUserId } from '../support/mothers.ts';
import { requireService } from '../support/real-services.ts';
import { forgetNamespace, testNamespace } from '../support/redis-layouts.ts';

const url = requireService('REDIS_URL');
/** Nothing listens on port 1: every connection attempt is refused. */
const NOWHERE = 'redis://127.0.0.1:1';
const NOW = new Date(Date.UTC(2026, 10, 25, 12, 0, 0));

const unavailable = (promise: Promise<unknown>) =>
  expect(promise).rejects.toSatisfy(
    (error) =>
      error instanceof LedgerUnavailableError &&
      error.code === 'LEDGER_UNAVAILABLE' &&
      error.cause !== undefined,
  );

describe('Redis unreachable: fail closed, never guess', () => {
  const client = createRedisClient(NOWHERE);

  afterAll(() => {
    client.disconnect();
  });

  it('refuses to boot with one clear line naming the address', async () => {
    await expect(connectRedis(client, 1000)).rejects.toThrow(
      /127\.0\.0\.1:1 is not ready after 1000 ms/,
    );
  });

  it('rejects every ledger operation with LedgerUnavailableError', async () => {
    const ledger = new RedisIssuanceLedger(client);
    const campaign = CampaignMother.open();

    await unavailable(ledger.reserve(campaign.id, randomUserId(), NOW));
    await unavailable(ledger.define(campaign));
    await unavailable(ledger.findGrant(campaign.id, randomUserId()));
    await unavailable(ledger.tally(campaign.id));
    const recovery = new RedisLedgerRecovery(client, ledger);
    await unavailable(recovery.restore(campaign, []));
    await unavailable(recovery.fence(campaign.id));
    await unavailable(recovery.issuedCounts([campaign.id]));
  });

  it('rejects every outbox operation with LedgerUnavailableError, even while waiting', async () => {
    const outbox = new RedisIssuanceOutbox(client, { consumerName: 'relay-1' });

    await unavailable(outbox.take(10, 5_000));
    await unavailable(outbox.depth());
    await unavailable(
      outbox.acknowledge([
        {
          id: `${randomCampaignId()}/1-0`,
          coupon: {
            campaignId: randomCampaignId(),
            userId: randomUserId(),
            sequence: 1,
            issuedAt: NOW,
          },
        },
      ]),
    );
  });

  it('reports itself unhealthy', async () => {
    await expect(new RedisHealthCheck(client).check()).rejects.toThrow();
  });

  it('rejects a reserve on a client nobody connected (lazy) rather than queueing it', async () => {
    const lazy = createRedisClient(NOWHERE);
    try {
      await unavailable(
        new RedisIssuanceLedger(lazy).reserve(randomCampaignId(), randomUserId(), NOW),
      );
    } finally {
      lazy.disconnect();
    }
  });
});

describe('Redis connection lost: fail closed, then recover on its own', () => {
  it('answers again once the client reconnected in the background', async () => {
    const client = createRedisClient(url);
    const admin = createRedisClient(url);
    const keys = testNamespace();
    const ledger = new RedisIssuanceLedger(client, { keyPrefix: keys.prefix });
    const health = new RedisHealthCheck(client);
    const campaign = CampaignMother.open();
    try {
      await connectRedis(client);
      await connectRedis(admin);
      await ledger.define(campaign);
      const id = await client.client('ID');

      await admin.client('KILL', 'ID', String(id));
      // Right after the kill a reserve may fail (503) but it never hangs and never half-grants.
      const during = await ledger
        .reserve(campaign.id, randomUserId(), NOW)
        .catch((error: unknown) => error);
      expect(
        during instanceof LedgerUnavailableError ||
          (typeof during === 'object' && during !== null && 'kind' in during),
      ).toBe(true);

      const deadline = Date.now() + 10_000;
      let recovered = false;
      while (!recovered && Date.now() < deadline) {
        recovered = await health.check().then(
          () => true,
          () => false,
        );
        if (!recovered) await new Promise((resolve) => setTimeout(resolve, 50));
      }
      expect(recovered).toBe(true);
      expect((await ledger.reserve(campaign.id, randomUserId(), NOW)).kind).toBe('issued');
    } finally {
      await forgetNamespace(admin, keys);
      client.disconnect();
      admin.disconnect();
    }
  });
});
