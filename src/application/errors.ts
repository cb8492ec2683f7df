/**
 * Infrastructure failures are thrown (not returned): a use case cannot do anything useful
 * about them, and the driving adapter maps each class once to a stable 5xx code.
 */
export class InfrastructureError extends Error {
  constructor(
    readonly code: string,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = new.target.name;
  }
}

/** The ledger cannot be reached or did not answer: never guess, fail closed. */
export class LedgerUnavailableError extends InfrastructureError {
  constructor(cause?: unknown) {
    super('LEDGER_UNAVAILABLE', 'the issuance ledger is unavailable', { cause });
  }
}

/**
 * The ledger granted, but fewer replicas than required confirmed it in time (Redis `WAIT`). The
 * grant is kept (its event is in the outbox, so it becomes a coupon): the user's retry is told
 * ALREADY_ISSUED with the coupon, never a second one.
 */
export class LedgerNotReplicatedError extends InfrastructureError {
  constructor(acknowledged: number, required: number, cause?: unknown) {
    super(
      'LEDGER_NOT_REPLICATED',
      `the grant reached ${acknowledged} of ${required} required ledger replicas in time; retry to see it`,
      { cause },
    );
  }
}

/** The durable store cannot be reached right now; the same call may succeed later. */
export class StoreUnavailableError extends InfrastructureError {
  constructor(cause?: unknown) {
    super('STORE_UNAVAILABLE', 'the coupon store is unavailable', { cause });
  }
}

/** The event log (Kafka) did not acknowledge; the outbox keeps the events. */
export class PublisherUnavailableError extends InfrastructureError {
  constructor(cause?: unknown) {
    super('PUBLISHER_UNAVAILABLE', 'the event log is unavailable', { cause });
  }
}
