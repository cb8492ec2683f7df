import { ConnectionException, DeadlockException, LockWaitTimeoutException } from '@mikro-orm/core';
import { StoreUnavailableError } from '../../application/errors.ts';

/*
 * The consumer's retry logic hinges on one distinction:
 *   - StoreUnavailableError: the database cannot take the write RIGHT NOW. Keep the batch,
 *     back off, retry; commit nothing. Mistaking a poison record for this only delays.
 *   - anything else: this data can never be written as it is (FK violation, data too long…).
 *     The caller isolates the record into failed_issuance and moves on. Mistaking an outage for
 *     this would dead-letter thousands of good coupons during a restart, so when in doubt about a
 *     CONNECTION-level problem we say "unavailable".
 */

/** Node / mysql2 / knex error codes meaning "cannot reach or keep a connection". */
const UNAVAILABLE_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ETIMEDOUT',
  'EPIPE',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'ENOTFOUND',
  'EAI_AGAIN',
  'PROTOCOL_CONNECTION_LOST',
  'PROTOCOL_SEQUENCE_TIMEOUT',
  'ER_CON_COUNT_ERROR',
  'ER_TOO_MANY_USER_CONNECTIONS',
  'ER_LOCK_DEADLOCK',
  'ER_LOCK_WAIT_TIMEOUT',
  'ER_SERVER_SHUTDOWN',
  'ER_CONNECTION_KILLED',
  'ER_QUERY_INTERRUPTED',
  // A server switched to read-only is what a primary looks like during a failover.
  'ER_OPTION_PREVENTS_STATEMENT',
  'ER_READ_ONLY_MODE',
  // The schema is behind the code (migrations not run yet): every record would fail the same
  // way, so this is an operational state to retry and alert on, not a bad record.
  'ER_NO_SUCH_TABLE',
  'ER_BAD_FIELD_ERROR',
]);

/** The same conditions by server / client error number, for errors that carry only `errno`. */
const UNAVAILABLE_ERRNOS = new Set([
  1040, // ER_CON_COUNT_ERROR: too many connections
  1054, // ER_BAD_FIELD_ERROR: unknown column, i.e. a migration has not run
  1146, // ER_NO_SUCH_TABLE: likewise
  1053, // ER_SERVER_SHUTDOWN: server shutdown in progress
  1203, // ER_TOO_MANY_USER_CONNECTIONS
  1205, // ER_LOCK_WAIT_TIMEOUT
  1213, // ER_LOCK_DEADLOCK: the transaction was rolled back, the same write may succeed
  1290, // ER_OPTION_PREVENTS_STATEMENT (--read-only)
  1317, // ER_QUERY_INTERRUPTED (KILL QUERY, shutdown)
  1836, // ER_READ_ONLY_MODE
  1927, // ER_CONNECTION_KILLED (MariaDB)
  2002, // CR_CONNECTION_ERROR
  2003, // CR_CONN_HOST_ERROR
  2006, // CR_SERVER_GONE_ERROR
  2013, // CR_SERVER_LOST
]);

/** Messages without a code: knex pool timeouts and mysql2 writes on a dead socket. */
const UNAVAILABLE_MESSAGES = [
  /connection lost/i,
  /timeout acquiring a connection/i,
  /unable to acquire a connection/i,
  /can't add new command when connection is in closed state/i,
  /pool is (?:closed|destroyed)/i,
];

interface ErrorLike {
  name?: unknown;
  code?: unknown;
  errno?: unknown;
  fatal?: unknown;
  message?: unknown;
  cause?: unknown;
  errors?: unknown;
}

function isUnavailableOne(error: ErrorLike): boolean {
  if (
    error instanceof ConnectionException ||
    error instanceof DeadlockException ||
    error instanceof LockWaitTimeoutException
  ) {
    return true;
  }
  if (typeof error.code === 'string' && UNAVAILABLE_CODES.has(error.code)) return true;
  if (typeof error.errno === 'number' && UNAVAILABLE_ERRNOS.has(error.errno)) return true;
  // mysql2 flags every error after which the connection is unusable as fatal.
  if (error.fatal === true) return true;
  if (error.name === 'KnexTimeoutError') return true;
  const message = typeof error.message === 'string' ? error.message : '';
  return UNAVAILABLE_MESSAGES.some((pattern) => pattern.test(message));
}

/**
 * True when the error means the database is unreachable or temporarily unable to serve, so the
 * same call may succeed later. Looks through `cause` chains and AggregateError (Node reports a
 * refused connection to a host with several addresses as one).
 */
export function isStoreUnavailable(error: unknown, depth = 0): boolean {
  if (typeof error !== 'object' || error === null || depth > 5) return false;
  const candidate = error as ErrorLike;
  if (isUnavailableOne(candidate)) return true;
  if (Array.isArray(candidate.errors)) {
    if (candidate.errors.some((inner) => isStoreUnavailable(inner, depth + 1))) return true;
  }
  return isStoreUnavailable(candidate.cause, depth + 1);
}

/**
 * Maps a failure of a store operation: outages become StoreUnavailableError (with the original as
 * `cause`); everything else is returned unchanged, since for the caller it is a poison record.
 * Usage: `catch (error) { throw mapStoreError(error); }`.
 */
export function mapStoreError(error: unknown): unknown {
  if (error instanceof StoreUnavailableError) return error;
  return isStoreUnavailable(error) ? new StoreUnavailableError(error) : error;
}

/** Runs a store operation with the mapping above applied to whatever it throws. */
export async function withStoreErrors<T>(operation: () => Promise<T>): Promise<T> {
  try {
    return await operation();
  } catch (error) {
    throw mapStoreError(error);
  }
}
