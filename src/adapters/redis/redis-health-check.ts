import type { HealthCheck } from '../../application/ports/health-check.port.ts';
import type { RedisConnection } from './redis-client.ts';

/**
 * Readiness of the ledger: one PING on the shared connection. With the fail-fast client settings
 * it rejects at once while Redis is unreachable, and passes again as soon as the background
 * reconnection succeeds, so a readiness probe follows Redis without any extra connection.
 */
export class RedisHealthCheck implements HealthCheck {
  readonly name = 'redis';

  constructor(private readonly redis: RedisConnection) {}

  async check(): Promise<void> {
    const reply = await this.redis.ping();
    if (reply !== 'PONG') throw new Error(`redis answered PING with ${String(reply)}`);
  }
}
