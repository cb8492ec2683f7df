import { InfrastructureError, LedgerUnavailableError } from '../../application/errors.ts';

/**
 * Runs one ledger/outbox operation and turns ANY failure into LedgerUnavailableError (with the
 * original as `cause`): connection refused or closed, command timeout, "Stream isn't writeable",
 * CLUSTERDOWN, and also a reply the adapter cannot read. In every case the ledger could not give
 * a trustworthy answer, and the only safe thing is to fail closed: the API answers 503, the
 * relay backs off and retries; nobody guesses. An infrastructure error already named (for example
 * LEDGER_NOT_REPLICATED) keeps its own code.
 */
export async function orUnavailable<T>(operation: () => Promise<T>): Promise<T> {
  try {
    return await operation();
  } catch (error) {
    if (error instanceof InfrastructureError) throw error;
    throw new LedgerUnavailableError(error);
  }
}

/** A Redis error reply starts with its code (`NOGROUP No such key…`, `BUSYGROUP …`). */
export function isReplyError(error: unknown, code: string): boolean {
  return error instanceof Error && error.message.startsWith(code);
}
