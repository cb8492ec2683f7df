import { RedisSpentProofs } from '../../src/adapters/redis/redis-spent-proofs.ts';
import { describeSpentProofsContract } from '../contract/spent-proofs.contract.ts';
import { useRedis } from '../support/redis-layouts.ts';

// Two connections: two API processes sharing one Redis (the ids are random per test).
for (const server of ['single', 'cluster'] as const) {
  const first = useRedis(server);
  const second = useRedis(server);
  describeSpentProofsContract(`Redis (${server})`, async () => ({
    stores: [new RedisSpentProofs(first()), new RedisSpentProofs(second())],
    close: async () => undefined,
  }));
}
