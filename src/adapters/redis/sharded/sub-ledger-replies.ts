/**
 * What the sub-ledger scripts answer, read into typed values (see each script's header). A reply
 * that does not read is thrown, never guessed at: the ledger then answers 503.
 */

/** A transfer of stock from one sub-ledger to another, as journaled by the donor. */
export interface StockTransfer {
  readonly donor: number;
  readonly recipient: number;
  /** The journal entry exactly as stored: `<number>:<amount>:<epoch>`. */
  readonly entry: string;
  readonly number: number;
  readonly amount: number;
  readonly epoch: string;
}

/** One sub-ledger's stock, read atomically. */
export interface ShardState {
  readonly epoch: string;
  readonly total: number;
  /** base + net: how many grants this sub-ledger may have made in all. */
  readonly quota: number;
  /** Grants made (the local sequence counter). */
  readonly count: number;
  /** Transfers this sub-ledger debited that may not be credited yet. */
  readonly outgoing: readonly StockTransfer[];
}

export type DebitReply =
  | { readonly kind: 'debited'; readonly transfer: StockTransfer }
  /** A transfer to the same recipient is still in flight: complete it first. */
  | { readonly kind: 'pending'; readonly transfer: StockTransfer }
  | { readonly kind: 'no-spare' }
  | { readonly kind: 'unknown' }
  | { readonly kind: 'other-epoch' };

/** What `credit` did: credited now, credited before (a replay), or could not (see the script). */
export type CreditReply = 'credited' | 'already-credited' | 'recipient-unknown' | 'other-epoch';

/** shard-state.lua's reply: the sub-ledger's stock, or undefined when it holds no rules. */
export function stateOf(shard: number, reply: unknown): ShardState | undefined {
  if (!Array.isArray(reply)) throw new Error('malformed shard-state.lua reply');
  if (reply.length === 0) return undefined;
  const [epoch, total, quota, count, transfers] = reply as unknown[];
  if (
    typeof epoch !== 'string' ||
    typeof total !== 'number' ||
    typeof quota !== 'number' ||
    typeof count !== 'number' ||
    !Array.isArray(transfers)
  ) {
    throw new Error(`malformed shard-state.lua reply ${JSON.stringify(reply)}`);
  }
  const outgoing: StockTransfer[] = [];
  const fields = transfers as unknown[];
  for (let i = 0; i + 1 < fields.length; i += 2) {
    const field = String(fields[i]);
    if (!field.startsWith('out:')) continue;
    outgoing.push(transferOf(shard, Number(field.slice(4)), String(fields[i + 1])));
  }
  return { epoch, total, quota, count, outgoing };
}

/** transfer-debit.lua's `{kind, entry}` reply, for a transfer from `donor` to `recipient`. */
export function debitOf(donor: number, recipient: number, reply: unknown): DebitReply {
  const [kind, entry] = Array.isArray(reply) ? (reply as unknown[]) : [];
  switch (kind) {
    case 'debited':
    case 'pending':
      return { kind, transfer: transferOf(donor, recipient, String(entry)) };
    case 'unknown':
    case 'no-spare':
    case 'other-epoch':
      return { kind };
    default:
      throw new Error(`transfer-debit.lua answered ${JSON.stringify(reply)}`);
  }
}

/** transfer-credit.lua's reply. */
export function creditOf(reply: unknown): CreditReply {
  switch (reply) {
    case 'credited':
    case 'already-credited':
    case 'recipient-unknown':
    case 'other-epoch':
      return reply;
    default:
      throw new Error(`transfer-credit.lua answered ${JSON.stringify(reply)}`);
  }
}

/** `<number>:<amount>:<epoch>` as transfer-debit.lua writes it. */
function transferOf(donor: number, recipient: number, entry: string): StockTransfer {
  const [number, amount, ...epoch] = entry.split(':');
  const transfer = {
    donor,
    recipient,
    entry,
    number: Number(number),
    amount: Number(amount),
    epoch: epoch.join(':'),
  };
  if (
    !Number.isSafeInteger(transfer.number) ||
    !Number.isSafeInteger(transfer.amount) ||
    !Number.isSafeInteger(recipient) ||
    transfer.amount < 1 ||
    transfer.epoch === ''
  ) {
    throw new Error(`malformed transfer journal entry ${entry} (to ${recipient})`);
  }
  return transfer;
}
