/**
 * How far the durable record is behind the event log: the events published and not yet
 * persisted by the consumer group. Zero means every grant that reached the log is in the
 * durable store (or in failed_issuance), which is what makes the durable record complete enough
 * to reconcile a ledger against.
 */
export interface PersistenceBacklog {
  /** Events in the log that the consumer group has not committed yet; throws when unknown. */
  pending(): Promise<number>;
}
