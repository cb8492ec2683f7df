import type { SpentProofs } from '../../application/ports/proof-of-work.port.ts';
import type { RedisConnection } from './redis-client.ts';

/**
 * Spent solutions in the ledger's Redis, shared by every API process: one `SET key 1 NX PXAT
 * until` per valid solution (Redis decides which caller set it first, atomically). The key
 * expires with the challenge, so Redis holds at most one lifetime's solutions. Only valid
 * solutions get here: a flood of bad ones costs Redis nothing.
 */
export class RedisSpentProofs implements SpentProofs {
  constructor(private readonly redis: RedisConnection) {}

  async spend(id: string, until: Date, now: Date): Promise<boolean> {
    // An id already past its expiry is refused before this (ProofOfWork.verify says expired);
    // at least 1 ms keeps PX valid for one that expires between the two.
    const ttlMs = Math.max(1, until.getTime() - now.getTime());
    const set = await this.redis.set(`coupon:proof:${id}`, '1', 'PX', ttlMs, 'NX');
    return set === 'OK';
  }
}
