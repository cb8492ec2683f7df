import type { UserId } from '../../../domain/ids.ts';
import type { ShardLayout } from './sharded-layout.ts';
import type { SubLedgerCommands } from './sub-ledger-commands.ts';
import type { ScriptDecision } from '../ledger-codec.ts';
import type { ShardState, StockTransfer } from './sub-ledger-replies.ts';

/** What reserve-shard.lua answers before it credits a transfer (see the script). */
const BEFORE_THE_CREDIT: ReadonlySet<ScriptDecision['kind']> = new Set([
  'unknown-campaign',
  'not-ready',
  'stale-layout',
  'held',
  'other-epoch',
]);

/** One application waiting for stock: the rebalance it started decides it on the stock it moved. */
export interface Applicant {
  readonly userId: UserId;
  readonly at: number;
  /** The applicant's segment claim ('' = none). */
  readonly segment: string;
}

export type RebalanceOutcome =
  | 'retry'
  | 'sold-out'
  | 'unknown-campaign'
  /** The applicant's own answer, decided on its sub-ledger together with the transfer's credit. */
  | { readonly decided: ScriptDecision };

/**
 * Moves stock between a campaign's sub-ledgers (see ShardedLedger for the quotas and
 * their invariant). A transfer is three scripts: debit the donor + journal entry (one atomic step
 * on the donor's slot), credit the recipient (idempotent by transfer number), clear the journal
 * entry (compare-and-delete).
 *
 * Crash safety of a transfer: debit and journal entry are one script, so stock that left the
 * donor is always either journaled or credited. The credit marks the transfer number as credited
 * in the same script, so replaying it is a no-op; at most one transfer per (donor, recipient) is
 * in flight and numbers increase, so "number ≤ last credited" is exact. Any rebalance of the
 * campaign, by any process, replays every journal entry it sees; the recipient was empty when its
 * transfer began, so its next application rebalances and recovers the stock. A restore wipes the
 * journals and changes the epoch that every entry carries: nothing journaled before a restore can
 * be credited after it.
 */
export class StockRebalancing {
  /** Rebalances in flight in this process, per sub-ledger: concurrent applications share one. */
  readonly #running = new Map<string, Promise<RebalanceOutcome>>();

  constructor(
    private readonly commands: SubLedgerCommands,
    private readonly maxRebalances: number,
  ) {}

  /**
   * One rebalance per sub-ledger at a time in this process. The application that starts it is
   * decided on the stock it moves; the others waiting meanwhile then apply again.
   */
  async forApplicant(
    layout: ShardLayout,
    shard: number,
    applicant: Applicant,
  ): Promise<RebalanceOutcome> {
    const key = `${layout.campaignId}#${layout.shards}#${shard}`;
    const running = this.#running.get(key);
    if (running) {
      const outcome = await running;
      return typeof outcome === 'object' ? 'retry' : outcome;
    }
    const started = this.rebalance(layout, shard, applicant).finally(() =>
      this.#running.delete(key),
    );
    this.#running.set(key, started);
    return started;
  }

  /**
   * After a lower total: moves spare stock to the sub-ledgers left with more grants than quota,
   * exactly the debt. Debts and spares then add up to the new total (the caller refused a total
   * below the units consumed), so a total equal to them leaves no spare anywhere: no sub-ledger
   * grants past the total, whatever its own quota said before.
   */
  async coverDebts(layout: ShardLayout): Promise<void> {
    for (let round = 0; round < this.maxRebalances; round++) {
      const states = await this.states(layout);
      const epoch = states?.[0]?.epoch;
      if (!states || epoch === undefined) return;
      const debtor = states.findIndex((state) => state.count > state.quota);
      if (debtor < 0) return;
      let debt = states[debtor]!.count - states[debtor]!.quota;
      const donors = states
        .map((state, shard) => ({ shard, spare: state.quota - state.count }))
        .filter((donor) => donor.spare > 0)
        .sort((a, b) => b.spare - a.spare);
      if (donors.length === 0) return; // nothing left to move: every sub-ledger is at its quota
      for (const donor of donors) {
        if (debt <= 0) break;
        const amount = Math.min(donor.spare, debt);
        const debit = await this.commands.debit(layout, donor.shard, debtor, amount, epoch);
        if (debit.kind !== 'debited' && debit.kind !== 'pending') continue;
        await this.complete(layout, debit.transfer);
        debt -= debit.transfer.amount;
      }
    }
  }

  /** Completes every transfer in flight (e.g. one whose process died between debit and credit). */
  async settle(layout: ShardLayout): Promise<void> {
    const states = await this.states(layout);
    if (!states) return;
    await Promise.all(
      states.flatMap((state) => state.outgoing).map((t) => this.complete(layout, t)),
    );
  }

  /**
   * Brings stock to sub-ledger `recipient`, or finds that there is none left anywhere. With an
   * applicant, the last transfer's credit and the applicant's decision are one script.
   */
  private async rebalance(
    layout: ShardLayout,
    recipient: number,
    applicant?: Applicant,
  ): Promise<RebalanceOutcome> {
    const states = await this.states(layout);
    if (!states) return 'unknown-campaign';
    const [first] = states;
    if (!first) return 'unknown-campaign';
    // A redefinition or a restore is being written: decide nothing from a mix of rules.
    if (!states.every((state) => state.epoch === first.epoch && state.total === first.total)) {
      await pause();
      return 'retry';
    }
    // (a) Stock in transit (a transfer under way elsewhere, or one whose process died): finish it.
    const inFlight = states.flatMap((state) => state.outgoing);
    if (inFlight.length > 0) {
      await Promise.all(inFlight.map((transfer) => this.complete(layout, transfer)));
      return 'retry';
    }
    // (b) Every sub-ledger's grants add up to the total: sold out for good, under these rules.
    if (granted(states) >= first.total) {
      await Promise.all(
        states.map((_, shard) =>
          this.commands.markSoldOut(layout, shard, first.epoch, first.total),
        ),
      );
      return 'sold-out';
    }
    // (c) Stock arrived meanwhile (another process moved some here).
    const mine = states[recipient];
    if (!mine) return 'unknown-campaign';
    if (mine.quota > mine.count) return 'retry';
    // (d) Move stock from the richest sub-ledgers: half of a donor's spare (the other half stays
    // for its own users), at least this sub-ledger's debt plus one.
    let needed = mine.count - mine.quota + 1;
    const donors = states
      .map((state, shard) => ({ shard, spare: state.quota - state.count }))
      .filter((donor) => donor.shard !== recipient && donor.spare > 0)
      .sort((a, b) => b.spare - a.spare);
    if (donors.length === 0) {
      // Grants are short of the total, yet no spare was seen: stock moved between our reads.
      await pause();
      return 'retry';
    }
    for (const donor of donors) {
      const amount = Math.min(donor.spare, Math.max(needed, Math.ceil(donor.spare / 2)));
      const debit = await this.commands.debit(layout, donor.shard, recipient, amount, first.epoch);
      if (debit.kind === 'no-spare') continue;
      if (debit.kind !== 'debited' && debit.kind !== 'pending') return 'retry';
      needed -= debit.transfer.amount;
      if (applicant && needed <= 0) {
        // Credit and decide in one step: the stock cannot be moved away before the application
        // that moved it has its answer. Then forget the journal entry (it is credited).
        const decided = await this.commands.reserve(
          layout,
          recipient,
          layout.campaignId,
          applicant.userId,
          applicant.at,
          applicant.segment,
          debit.transfer,
        );
        // A decision comes after the credit in the script; the kinds that return before it
        // credited nothing, and the entry must stay in the journal for a later replay.
        if (!BEFORE_THE_CREDIT.has(decided.kind)) {
          await this.commands.clear(layout, debit.transfer);
        }
        return { decided };
      }
      await this.complete(layout, debit.transfer);
      if (needed <= 0) return 'retry';
    }
    return 'retry';
  }

  /** Transfer steps 2 and 3: idempotent, safe to run from any process, any number of times. */
  private async complete(layout: ShardLayout, transfer: StockTransfer): Promise<void> {
    const credited = await this.commands.credit(layout, transfer);
    // Not credited (recipient lost, or another epoch): the entry stays, the stock stays out of
    // every quota (under-issue, never over-issue) until a restore replaces the journals.
    if (credited === 'credited' || credited === 'already-credited') {
      await this.commands.clear(layout, transfer);
    }
  }

  private async states(layout: ShardLayout): Promise<ShardState[] | undefined> {
    const states = await Promise.all(
      layout.tags.map((_, shard) => this.commands.state(layout, shard)),
    );
    return states.every((state) => state !== undefined) ? states : undefined;
  }
}

/** Grants of every sub-ledger, together. */
const granted = (states: readonly ShardState[]) =>
  states.reduce((total, state) => total + state.count, 0);

/** A short random pause before looking again, so contending rebalances do not run in lockstep. */
const pause = () =>
  new Promise<void>((resolve) => setTimeout(resolve, 1 + Math.floor(Math.random() * 4)));
