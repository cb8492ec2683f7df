import type { CampaignId } from '../../domain/ids.ts';
import type { Logger } from '../ports/logger.port.ts';
import type { ReconcileLedger, ReconcileOutcome } from './reconcile-ledger.ts';

export interface LedgerReconcilerOptions {
  /** Pause between attempts while events are in flight or another process holds the claim. */
  readonly retryMs?: number;
  /** Give up after this long; the next request (an application, the periodic check) starts over. */
  readonly giveUpAfterMs?: number;
}

/**
 * Reconciles on demand, in the background: an application or a status read that meets a fenced
 * campaign asks for it and answers LEDGER_NOT_READY at once. One reconciliation per campaign runs
 * in this process at a time (single-flight), retried while the record is incomplete, so a
 * stampede on a fenced campaign costs one reconciliation, not one per request.
 */
export class LedgerReconciler {
  readonly #running = new Map<CampaignId, Promise<ReconcileOutcome | undefined>>();
  readonly #retryMs: number;
  readonly #giveUpAfterMs: number;
  #stopped = false;

  constructor(
    private readonly reconcile: ReconcileLedger,
    private readonly logger: Logger,
    options: LedgerReconcilerOptions = {},
  ) {
    this.#retryMs = options.retryMs ?? 250;
    this.#giveUpAfterMs = options.giveUpAfterMs ?? 60_000;
  }

  /** Starts reconciling the campaign unless this process already is; never throws. */
  request(campaignId: CampaignId): Promise<ReconcileOutcome | undefined> {
    const running = this.#running.get(campaignId);
    if (running) return running;
    const started = this.run(campaignId).finally(() => this.#running.delete(campaignId));
    this.#running.set(campaignId, started);
    return started;
  }

  /** Lets running reconciliations stop at their next pause (shutdown). */
  stop(): void {
    this.#stopped = true;
  }

  private async run(campaignId: CampaignId): Promise<ReconcileOutcome | undefined> {
    const deadline = Date.now() + this.#giveUpAfterMs;
    let last: ReconcileOutcome | undefined;
    while (!this.#stopped) {
      try {
        last = await this.reconcile.execute(campaignId);
        if (last.kind === 'reconciled') {
          this.logger.warn({ campaignId, ...last }, 'ledger reconciled with the durable record');
          return last;
        }
        if (last.kind === 'unknown-campaign' || last.kind === 'other-layout') {
          if (last.kind === 'other-layout') {
            this.logger.error(
              { campaignId },
              'campaign is held in the other LEDGER_SHARDS layout: run rebuild-ledger to switch it',
            );
          }
          return last;
        }
      } catch (error) {
        this.logger.warn({ err: error, campaignId }, 'ledger reconciliation failed; retrying');
      }
      if (Date.now() > deadline) {
        this.logger.error({ campaignId, last }, 'ledger still not reconciled; giving up for now');
        return last;
      }
      await new Promise((resolve) => setTimeout(resolve, this.#retryMs));
    }
    return last;
  }
}
