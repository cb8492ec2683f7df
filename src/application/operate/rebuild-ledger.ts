import type { CampaignId } from '../../domain/ids.ts';
import type { FailedIssuanceRepository } from '../ports/failed-issuance-repository.port.ts';
import type { IssuanceOutbox } from '../ports/issuance-outbox.port.ts';
import type { PersistenceBacklog } from '../ports/persistence-backlog.port.ts';
import type { ReconcileLedger } from './reconcile-ledger.ts';

export type RebuildOutcome =
  | { readonly kind: 'rebuilt'; readonly winners: number; readonly fromRecord: number }
  | { readonly kind: 'unknown-campaign' }
  /** Not safe now: events in flight or open failures (`--force` goes ahead anyway). */
  | { readonly kind: 'refused'; readonly reason: string }
  | { readonly kind: 'busy' };

const MAX_FAILURES = 10_000;
/** How long the rebuild waits for another process's reconciliation to finish. */
const BUSY_WAIT_MS = 30_000;

/**
 * The operator's rebuild: the same reconciliation the API runs by itself (fence, merge the
 * durable record with what the ledger holds, never lower a count nor drop a winner). How the
 * rebuilt ledger is laid out is the adapter's business (the rebuild-ledger command lays it out as
 * configured, which is how a campaign changes its LEDGER_SHARDS).
 *
 * It refuses, unless forced, while the record is incomplete: events still in the outbox or in
 * the log (grants the record does not have yet), or open failed_issuance rows of the campaign
 * (grants parked, not stored). Forced, it still merges whatever the ledger holds.
 */
export class RebuildLedger {
  constructor(
    private readonly reconcile: ReconcileLedger,
    private readonly outbox: IssuanceOutbox,
    private readonly backlog: PersistenceBacklog,
    private readonly failures: FailedIssuanceRepository,
  ) {}

  async execute(
    campaignId: CampaignId,
    options: { force?: boolean } = {},
  ): Promise<RebuildOutcome> {
    if (!options.force) {
      const refusal = await this.whyNot(campaignId);
      if (refusal) return { kind: 'refused', reason: refusal };
    }
    // Another process (an API reconciling by itself) may hold the claim for a moment.
    const deadline = Date.now() + BUSY_WAIT_MS;
    for (;;) {
      const outcome = await this.reconcile.execute(campaignId, {
        ignoreBacklog: options.force === true,
      });
      switch (outcome.kind) {
        case 'reconciled':
          return { kind: 'rebuilt', winners: outcome.winners, fromRecord: outcome.fromRecord };
        case 'unknown-campaign':
          return outcome;
        case 'events-in-flight':
          return { kind: 'refused', reason: `${outcome.pending} events not yet persisted` };
        case 'busy':
          if (Date.now() > deadline) return outcome;
          await new Promise((resolve) => setTimeout(resolve, 200));
      }
    }
  }

  private async whyNot(campaignId: CampaignId): Promise<string | undefined> {
    const inOutbox = await this.outbox.depth();
    if (inOutbox > 0) return `${inOutbox} events still in the outbox`;
    const pending = await this.backlog.pending();
    if (pending > 0) return `${pending} events in the log not yet persisted`;
    const open = (await this.failures.listOpen(MAX_FAILURES)).filter(
      (failure) => failure.campaignId === campaignId,
    ).length;
    if (open > 0) return `${open} open failed_issuance rows (run retry-failed first)`;
    return undefined;
  }
}
