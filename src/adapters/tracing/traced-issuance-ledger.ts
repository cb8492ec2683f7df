import { SpanKind, trace } from '@opentelemetry/api';
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
import { COUPON_ATTRIBUTES, ending, tracer } from './tracer.ts';

/**
 * The reserve as a span of the application's trace (the HTTP request's child), with the campaign,
 * the user and the decision as attributes; the campaign and the user go on the request's span
 * too, so a search by user finds the request. The span is active while the ledger runs, so the
 * Redis adapter keeps ITS traceparent with the outbox entry: the relay's publish becomes its
 * child. Bound only when tracing is on; the other calls pass through untouched.
 */
export class TracedIssuanceLedger implements IssuanceLedger {
  constructor(private readonly inner: IssuanceLedger) {}

  define(campaign: Campaign): Promise<DefineOutcome> {
    return this.inner.define(campaign);
  }

  reserve(
    campaignId: CampaignId,
    userId: UserId,
    now: Date,
    claims?: ApplicantClaims,
  ): Promise<Reservation> {
    return this.spanned('coupon reserve', campaignId, userId, () =>
      this.inner.reserve(campaignId, userId, now, claims),
    );
  }

  /** A shuffled opening's answer, read after the draw: a span of the same request's trace. */
  collect(
    campaignId: CampaignId,
    userId: UserId,
    appliedAt: Date,
    now: Date,
    claims?: ApplicantClaims,
  ): Promise<Reservation> {
    return this.spanned('coupon collect', campaignId, userId, () =>
      this.inner.collect(campaignId, userId, appliedAt, now, claims),
    );
  }

  private spanned(
    name: string,
    campaignId: CampaignId,
    userId: UserId,
    call: () => Promise<Reservation>,
  ): Promise<Reservation> {
    const attributes = {
      [COUPON_ATTRIBUTES.campaignId]: campaignId,
      [COUPON_ATTRIBUTES.userId]: userId,
    };
    trace.getActiveSpan()?.setAttributes(attributes);
    return tracer.startActiveSpan(name, { kind: SpanKind.INTERNAL, attributes }, (span) =>
      ending(span, async () => {
        const reservation = await call();
        span.setAttribute(COUPON_ATTRIBUTES.outcome, reservation.kind);
        if (reservation.kind === 'issued') {
          span.setAttribute(COUPON_ATTRIBUTES.sequence, reservation.coupon.sequence);
        }
        return reservation;
      }),
    );
  }

  findGrant(campaignId: CampaignId, userId: UserId): Promise<GrantLookup> {
    return this.inner.findGrant(campaignId, userId);
  }

  tally(campaignId: CampaignId): Promise<LedgerTally | undefined> {
    return this.inner.tally(campaignId);
  }

  /** No span: a lookup in process memory. */
  settledAnswer(campaignId: CampaignId, userId: UserId, now: Date): SettledAnswer | undefined {
    return this.inner.settledAnswer(campaignId, userId, now);
  }
}
