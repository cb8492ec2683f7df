import { InMemoryAllowlist } from '../../src/adapters/memory/in-memory-allowlist.ts';
import { InMemoryLedgerControls } from '../../src/adapters/memory/in-memory-ledger-controls.ts';
import { InMemoryCampaignRepository } from '../../src/adapters/memory/in-memory-campaign-repository.ts';
import { InMemoryCouponLog } from '../../src/adapters/memory/in-memory-coupon-log.ts';
import { InMemoryCouponRepository } from '../../src/adapters/memory/in-memory-coupon-repository.ts';
import { InMemoryFailedIssuanceRepository } from '../../src/adapters/memory/in-memory-failed-issuance-repository.ts';
import { InMemoryIssuanceLedger } from '../../src/adapters/memory/in-memory-issuance-ledger.ts';
import { InMemoryLedgerRecovery } from '../../src/adapters/memory/in-memory-ledger-recovery.ts';
import { InMemoryLedgerStore } from '../../src/adapters/memory/in-memory-ledger-store.ts';
import type { Clock } from '../../src/application/ports/clock.port.ts';
import { CouponRepositoryDecorator } from '../../src/application/coupon-repository-decorator.ts';
import { ReconcileLedger } from '../../src/application/operate/reconcile-ledger.ts';
import type { CampaignRepository } from '../../src/application/ports/campaign-repository.port.ts';
import type { IssuanceLedger } from '../../src/application/ports/issuance-ledger.port.ts';
import type { Campaign } from '../../src/domain/campaign.ts';
import type { Coupon } from '../../src/domain/coupon.ts';

/** A clock that only moves when the test moves it. */
export class ManualClock implements Clock {
  constructor(private current = new Date('2026-11-25T12:00:00.000Z')) {}

  now(): Date {
    return new Date(this.current.getTime());
  }

  advance(ms: number): void {
    this.current = new Date(this.current.getTime() + ms);
  }
}

/**
 * Wraps a real (in-memory) CouponRepository and, for the next `saveAll` calls, throws what the
 * test queued instead of saving: `failNext(new StoreUnavailableError())` for an outage, a plain
 * Error for a write that can never succeed. Records every call so a test can count them.
 */
export class ScriptedCouponRepository extends CouponRepositoryDecorator {
  readonly saveAllCalls: (readonly Coupon[])[] = [];
  readonly #failures: Error[] = [];
  #alwaysFail: Error | undefined;

  /** The next saveAll calls throw these, in order; later calls reach the inner repository. */
  failNext(...errors: Error[]): this {
    this.#failures.push(...errors);
    return this;
  }

  /** Every saveAll throws `error` until `heal()`. */
  failAlways(error: Error): this {
    this.#alwaysFail = error;
    return this;
  }

  heal(): void {
    this.#alwaysFail = undefined;
    this.#failures.length = 0;
  }

  async saveAll(coupons: readonly Coupon[]): Promise<void> {
    this.saveAllCalls.push([...coupons]);
    if (this.#alwaysFail !== undefined) throw this.#alwaysFail;
    const next = this.#failures.shift();
    if (next !== undefined) throw next;
    await this.inner.saveAll(coupons);
  }
}

/** Polls `condition` until it holds or the deadline passes (never a fixed sleep). */
export async function eventually(
  condition: () => boolean | Promise<boolean>,
  { timeoutMs = 5000, what = 'condition' }: { timeoutMs?: number; what?: string } = {},
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}

/**
 * The in-memory adapters one process holds, and the reconciliation over them, on a ManualClock:
 * a fresh set per call, so each test starts from nothing.
 */
export function inMemoryReconciliation() {
  const store = new InMemoryLedgerStore();
  const ledger = new InMemoryIssuanceLedger(store);
  const campaigns = new InMemoryCampaignRepository();
  const coupons = new InMemoryCouponRepository(campaigns);
  const failures = new InMemoryFailedIssuanceRepository();
  const log = new InMemoryCouponLog();
  const clock = new ManualClock();
  const recovery = new InMemoryLedgerRecovery(store);
  const allowlist = new InMemoryAllowlist();
  const controls = new InMemoryLedgerControls(store);
  const reconcile = new ReconcileLedger(
    campaigns,
    coupons,
    failures,
    recovery,
    log,
    clock,
    allowlist,
  );
  return {
    store,
    ledger,
    recovery,
    controls,
    allowlist,
    campaigns,
    coupons,
    failures,
    log,
    clock,
    reconcile,
  };
}

/** A published campaign, stored and defined in the ledger, as publishing it would leave it. */
export async function openCampaign(
  campaigns: CampaignRepository,
  ledger: IssuanceLedger,
  campaign: Campaign,
): Promise<Campaign> {
  if (!(await campaigns.create(campaign))) throw new Error(`campaign ${campaign.id} exists`);
  await ledger.define(campaign);
  return campaign;
}
