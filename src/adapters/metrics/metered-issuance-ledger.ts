import type {
  ApplicantClaims,
  DefineOutcome,
  GrantLookup,
  IssuanceLedger,
  LedgerTally,
  Reservation,
  SettledAnswer,
} from '../../application/ports/issuance-ledger.port.ts';
import type { Campaign } from '../../domain/campaign.ts';
import type { CampaignId, UserId } from '../../domain/ids.ts';
import type { CouponMetrics, LedgerOperation } from './coupon-metrics.ts';

/**
 * Times every call of the request path's ledger (the latency of the apply path is mostly this);
 * recovery is rare and logged instead. A decorator around
 * the port: the ledger and the use cases know nothing about metrics, and the guarantees of the
 * wrapped ledger are untouched (each call is passed through once, errors rethrown as they are).
 */
export class MeteredIssuanceLedger implements IssuanceLedger {
  constructor(
    private readonly inner: IssuanceLedger,
    private readonly metrics: CouponMetrics,
  ) {}

  define(campaign: Campaign): Promise<DefineOutcome> {
    return this.timed('define', () => this.inner.define(campaign));
  }

  reserve(
    campaignId: CampaignId,
    userId: UserId,
    now: Date,
    claims?: ApplicantClaims,
  ): Promise<Reservation> {
    return this.timed('reserve', async () => {
      const reservation = await this.inner.reserve(campaignId, userId, now, claims);
      if (reservation.kind === 'pooled') this.metrics.openings.pooled(reservation);
      return reservation;
    });
  }

  collect(
    campaignId: CampaignId,
    userId: UserId,
    appliedAt: Date,
    now: Date,
    claims?: ApplicantClaims,
  ): Promise<Reservation> {
    return this.timed('collect', () =>
      this.inner.collect(campaignId, userId, appliedAt, now, claims),
    );
  }

  findGrant(campaignId: CampaignId, userId: UserId): Promise<GrantLookup> {
    return this.timed('find_grant', () => this.inner.findGrant(campaignId, userId));
  }

  tally(campaignId: CampaignId): Promise<LedgerTally | undefined> {
    return this.timed('tally', () => this.inner.tally(campaignId));
  }

  /** Not timed: a lookup in process memory, no round trip to measure. */
  settledAnswer(campaignId: CampaignId, userId: UserId, now: Date): SettledAnswer | undefined {
    return this.inner.settledAnswer(campaignId, userId, now);
  }

  private async timed<T>(operation: LedgerOperation, call: () => Promise<T>): Promise<T> {
    const done = this.metrics.startLedgerTimer(operation);
    try {
      const result = await call();
      done('ok');
      return result;
    } catch (error) {
      done('error');
      throw error;
    }
  }
}
