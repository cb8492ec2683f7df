import type { Redis } from 'ioredis';
import { LedgerNotReplicatedError } from '../../application/errors.ts';

/** What a Redis ledger waits on after a grant, before it answers `issued`. */
export interface GrantDurability {
  /** Resolves once the grants answered so far are durable enough; throws an InfrastructureError otherwise. */
  confirm(): Promise<void>;
}

/**
 * Holds a 201 until its grant is on `replicas` replicas: Redis `WAIT`, sent as a group commit.
 *
 * `WAIT n timeout` blocks the connection that sent it until every write that connection made
 * before it has reached n replicas (or the timeout passed), so it must go over the ledger's own
 * connection. One WAIT covers every grant whose reply arrived before it was sent; grants answered
 * while a WAIT is in flight share the next one. Under a stampede that is one WAIT per batch of
 * grants, not per grant, and answers that write nothing (sold out, already issued) never wait.
 *
 * A connection that closed after a grant's reply cannot vouch for it any more: a WAIT on the new
 * connection (after a Sentinel failover, on another server) says nothing about writes made on
 * the old one, so such a batch fails (503 LEDGER_NOT_REPLICATED) instead of passing by accident.
 */
export class ReplicaAcknowledgement implements GrantDurability {
  #pending: Promise<void> | undefined;
  #inFlight: Promise<unknown> | undefined;
  #connection = 0;

  constructor(
    private readonly redis: Redis,
    private readonly replicas: number,
    private readonly timeoutMs: number,
  ) {
    redis.on('close', () => {
      this.#connection += 1;
    });
  }

  /** Resolves once the writes answered so far are on enough replicas; LedgerNotReplicatedError otherwise. */
  confirm(): Promise<void> {
    this.#pending ??= this.next(this.#connection);
    return this.#pending;
  }

  private async next(connection: number): Promise<void> {
    // Yields at least once, so `#pending` is set before it is cleared: callers up to this point
    // share the WAIT sent below; later callers wait for it to finish and share the one after.
    await this.#inFlight?.catch(() => undefined);
    this.#pending = undefined;
    const wait = this.redis.wait(this.replicas, this.timeoutMs);
    this.#inFlight = wait;
    let acknowledged: number;
    try {
      acknowledged = await wait;
    } catch (error) {
      throw new LedgerNotReplicatedError(0, this.replicas, error);
    } finally {
      if (this.#inFlight === wait) this.#inFlight = undefined;
    }
    if (connection !== this.#connection) throw new LedgerNotReplicatedError(0, this.replicas);
    if (acknowledged < this.replicas) {
      throw new LedgerNotReplicatedError(acknowledged, this.replicas);
    }
  }
}
