import type { CampaignId } from '../../domain/ids.ts';
import type { Logger } from '../ports/logger.port.ts';
import type { ReconcileLedger, ReconcileOutcome } from './reconcile-ledger.ts';

interface Waiter {
  readonly campaignId: CampaignId;
  readonly resolve: () => void;
}

export interface LedgerReconcilerOptions {
  /** Pause between attempts while events are in flight or another process holds the claim. */
  readonly retryMs?: number;
  /** Give up after this long; the next request (an application, the periodic check) starts over. */
  readonly giveUpAfterMs?: number;
  /** How many campaigns this process reconciles at once; the others wait their turn. */
  readonly concurrency?: number;
}

/**
 * Reconciles on demand, in the background: an application or a status read that meets a fenced
 * campaign asks for it and answers LEDGER_NOT_READY at once. One reconciliation per campaign runs
 * in this process at a time (single-flight), retried while the record is incomplete, so a
 * stampede on a fenced campaign costs one reconciliation, not one per request.
 *
 * At most `concurrency` (4) run at once. After a flush or a failover every campaign of the
 * catalog may be behind, and the periodic check asks for all of them: run together, their
 * restores saturated Redis until live applications timed out (503s in the three-API e2e with a
 * catalog of ~1,500 campaigns). A campaign someone applies to or reads now goes ahead of those
 * the check found (`background`).
 */
export class LedgerReconciler {
  readonly #running = new Map<CampaignId, Promise<ReconcileOutcome | undefined>>();
  readonly #retryMs: number;
  readonly #giveUpAfterMs: number;
  readonly #concurrency: number;
  #active = 0;
  /** Campaigns waiting for a slot: urgent ones first, each queue in request order. */
  readonly #waiting = { now: [] as Waiter[], background: [] as Waiter[] };
  #stopped = false;

  constructor(
    private readonly reconcile: Pick<ReconcileLedger, 'execute'>,
    private readonly logger: Logger,
    options: LedgerReconcilerOptions = {},
  ) {
    this.#retryMs = options.retryMs ?? 250;
    this.#giveUpAfterMs = options.giveUpAfterMs ?? 60_000;
    this.#concurrency = Math.max(1, options.concurrency ?? 4);
  }

  /** Starts reconciling the campaign unless this process already is; never throws. */
  request(
    campaignId: CampaignId,
    urgency: 'now' | 'background' = 'now',
  ): Promise<ReconcileOutcome | undefined> {
    const running = this.#running.get(campaignId);
    if (running) {
      if (urgency === 'now') this.promote(campaignId);
      return running;
    }
    const started = this.inTurn(campaignId, urgency, () => this.run(campaignId)).finally(() =>
      this.#running.delete(campaignId),
    );
    this.#running.set(campaignId, started);
    return started;
  }

  /** Runs `work` once a slot is free (urgent requests are served first). */
  private async inTurn<T>(
    campaignId: CampaignId,
    urgency: 'now' | 'background',
    work: () => Promise<T>,
  ): Promise<T> {
    if (this.#active >= this.#concurrency) {
      await new Promise<void>((resolve) => this.#waiting[urgency].push({ campaignId, resolve }));
    } else {
      this.#active += 1;
    }
    try {
      return await work();
    } finally {
      // The slot passes straight to the next waiter, or is freed.
      const next = this.#waiting.now.shift() ?? this.#waiting.background.shift();
      if (next) next.resolve();
      else this.#active -= 1;
    }
  }

  /** A campaign the check queued that someone now applies to or reads moves to the front queue. */
  private promote(campaignId: CampaignId): void {
    const at = this.#waiting.background.findIndex((w) => w.campaignId === campaignId);
    if (at >= 0) this.#waiting.now.push(...this.#waiting.background.splice(at, 1));
  }

  /** Lets running reconciliations stop at their next pause (shutdown). */
  stop(): void {
    this.#stopped = true;
  }

  private async run(campaignId: CampaignId): Promise<ReconcileOutcome | undefined> {
    const deadline = Date.now() + this.#giveUpAfterMs;
    this.logger.info({ campaignId }, 'ledger reconciliation started');
    let last: ReconcileOutcome | undefined;
    while (!this.#stopped) {
      try {
        last = await this.reconcile.execute(campaignId);
        if (last.kind === 'reconciled') {
          this.logger.warn({ campaignId, ...last }, 'ledger reconciled with the durable record');
          return last;
        }
        if (last.kind === 'unknown-campaign') return last;
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
