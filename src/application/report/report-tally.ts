import type { Coupon } from '../../domain/coupon.ts';
import type { CampaignId } from '../../domain/ids.ts';
import type { CampaignTally } from '../ports/campaign-report-store.port.ts';
import type { Clock } from '../ports/clock.port.ts';
import { delayBucket } from './delay-buckets.ts';

/** One campaign's counts in the open window. Mutable on purpose: it is the hot path's target. */
interface OpenWindow {
  readonly answers: Record<string, number>;
  firstGrantAt: number | undefined;
  lastGrantAt: number | undefined;
  firstSoldOutAt: number | undefined;
  readonly delays: Record<number, number>;
  delayMaxMs: number | undefined;
  reemitted: number;
}

/**
 * Campaigns one window keeps. Counted campaigns are ones the ledger knows (an unknown id is never
 * a key), except after a thrown call (`error`), where the id is whatever the caller sent: the
 * bound keeps a flood of random ids during an outage from growing memory. Past it, answers are
 * dropped and counted in `dropped`.
 */
export const MAX_CAMPAIGNS_PER_WINDOW = 1000;

/**
 * The report's counters in process memory: per campaign, the answers of the open window (about a
 * second), the grant and sold-out instants, the apply calls in flight and the grant → row delays.
 * Recording costs a Map lookup and an increment (no clock read, no allocation once the campaign
 * has its window); once a second `take` closes the window and hands it to the flush, which is
 * the only thing that talks to the store. The window is labelled with the second it opened in.
 */
export class ReportTally {
  #open = new Map<CampaignId, OpenWindow>();
  #openedAt: number;
  #inFlight = 0;
  #peakInFlight = 0;
  #dropped = 0;

  constructor(private readonly clock: Clock) {
    this.#openedAt = clock.now().getTime();
  }

  /** An apply call started: counted in flight until `ended`. */
  started(): void {
    this.#inFlight += 1;
    if (this.#inFlight > this.#peakInFlight) this.#peakInFlight = this.#inFlight;
  }

  ended(): void {
    this.#inFlight -= 1;
  }

  /** One apply answer for the campaign, by the use case's outcome (`error`: it threw). */
  answered(campaignId: CampaignId, outcome: string): void {
    const window = this.#window(campaignId);
    if (window) window.answers[outcome] = (window.answers[outcome] ?? 0) + 1;
  }

  /** A 201: counted, and its instant kept if it is the window's first or last grant. */
  granted(coupon: Coupon): void {
    const window = this.#window(coupon.campaignId);
    if (!window) return;
    window.answers['issued'] = (window.answers['issued'] ?? 0) + 1;
    const at = coupon.issuedAt.getTime();
    if (window.firstGrantAt === undefined || at < window.firstGrantAt) window.firstGrantAt = at;
    if (window.lastGrantAt === undefined || at > window.lastGrantAt) window.lastGrantAt = at;
  }

  /** A sold-out answer: the clock is read only for the window's first one. */
  soldOut(campaignId: CampaignId): void {
    const window = this.#window(campaignId);
    if (!window) return;
    window.answers['sold-out'] = (window.answers['sold-out'] ?? 0) + 1;
    window.firstSoldOutAt ??= this.clock.now().getTime();
  }

  /** Coupons whose rows were just written at `now`: their grant → row delays. */
  persisted(coupons: readonly Coupon[], now: Date): void {
    const at = now.getTime();
    for (const coupon of coupons) {
      const window = this.#window(coupon.campaignId);
      if (!window) continue;
      const delay = Math.max(0, at - coupon.issuedAt.getTime());
      const bucket = delayBucket(delay);
      window.delays[bucket] = (window.delays[bucket] ?? 0) + 1;
      if (window.delayMaxMs === undefined || delay > window.delayMaxMs) window.delayMaxMs = delay;
    }
  }

  /**
   * The persistence audit re-emitted `count` grants of the campaign that had no row (issue 22):
   * the report's "audit" figure. Not on the apply path, and counted even with the apply counters
   * off, since it is what the report exists to show.
   */
  reemitted(campaignId: CampaignId, count: number): void {
    const window = this.#window(campaignId);
    if (window) window.reemitted += count;
  }

  /** Answers dropped since the last call because a window was full (then reset to 0). */
  takeDropped(): number {
    const dropped = this.#dropped;
    this.#dropped = 0;
    return dropped;
  }

  /**
   * Closes the open window and opens the next: what the window counted, one tally per campaign
   * (none when nothing happened). Synchronous, so nothing recorded meanwhile can be lost.
   */
  take(): CampaignTally[] {
    const closed = this.#open;
    const second = Math.floor(this.#openedAt / 1000);
    const peak = this.#peakInFlight;
    this.#open = new Map();
    this.#openedAt = this.clock.now().getTime();
    this.#peakInFlight = this.#inFlight;
    const tallies: CampaignTally[] = [];
    for (const [campaignId, window] of closed) {
      const answered = Object.keys(window.answers).length > 0;
      tallies.push({
        campaignId,
        second,
        answers: window.answers,
        peakInFlight: answered ? peak : 0,
        firstGrantAt: dateOf(window.firstGrantAt),
        lastGrantAt: dateOf(window.lastGrantAt),
        firstSoldOutAt: dateOf(window.firstSoldOutAt),
        delays: window.delays,
        delayMaxMs: window.delayMaxMs,
        ...(window.reemitted > 0 ? { reemitted: window.reemitted } : {}),
      });
    }
    return tallies;
  }

  #window(campaignId: CampaignId): OpenWindow | undefined {
    let window = this.#open.get(campaignId);
    if (window) return window;
    if (this.#open.size >= MAX_CAMPAIGNS_PER_WINDOW) {
      this.#dropped += 1;
      return undefined;
    }
    window = {
      answers: {},
      firstGrantAt: undefined,
      lastGrantAt: undefined,
      firstSoldOutAt: undefined,
      delays: {},
      delayMaxMs: undefined,
      reemitted: 0,
    };
    this.#open.set(campaignId, window);
    return window;
  }
}

const dateOf = (ms: number | undefined) => (ms === undefined ? undefined : new Date(ms));
