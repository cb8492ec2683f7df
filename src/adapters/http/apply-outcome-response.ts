import type { ApplyOutcome } from '../../application/issue/apply-for-coupon.ts';
import type { CampaignId, UserId } from '../../domain/ids.ts';
import { errorBody } from './error-body.ts';
import { CAMPAIGN_NOT_FOUND, CAMPAIGN_PAUSED, LEDGER_NOT_READY } from './error-messages.ts';

export type ApplyStatus = 201 | 403 | 404 | 409 | 410 | 503;

/**
 * One place maps every outcome to its status code and stable code. The `never` check makes a new
 * outcome a compile error here instead of a silent 500.
 *
 * 409 vs 410: ALREADY_ISSUED is about this user (asking again will never change it, but it is not
 * the resource that is gone); SOLD_OUT is 410 Gone: the stock is gone for everyone, for good.
 */
export function applyOutcomeResponse(
  campaignId: CampaignId,
  userId: UserId,
  outcome: ApplyOutcome,
): { status: ApplyStatus; body: object } {
  const who = { campaignId, userId };
  switch (outcome.kind) {
    case 'issued':
      return {
        status: 201,
        body: {
          status: 'ISSUED',
          ...who,
          sequence: outcome.coupon.sequence,
          issuedAt: outcome.coupon.issuedAt.toISOString(),
        },
      };
    case 'already-issued':
      // The holder's coupon: a retry after a lost 201 learns what the 201 said.
      return rejected(409, 'ALREADY_ISSUED', 'this user already holds a coupon of this campaign', {
        ...(outcome.sequence !== undefined ? { sequence: outcome.sequence } : {}),
        ...(outcome.issuedAt ? { issuedAt: outcome.issuedAt.toISOString() } : {}),
        ...(outcome.revoked
          ? { revokedAt: outcome.revoked.at.toISOString(), returned: outcome.revoked.returned }
          : {}),
      });
    case 'sold-out':
      return rejected(410, 'SOLD_OUT', 'all coupons of this campaign have been issued');
    case 'not-open':
      return rejected(403, 'NOT_OPEN', 'the campaign is not open yet', {
        opensAt: outcome.opensAt.toISOString(),
      });
    case 'closed':
      return rejected(403, 'CLOSED', 'the campaign has closed', {
        closedAt: outcome.closedAt.toISOString(),
      });
    case 'paused':
      return rejected(503, CAMPAIGN_PAUSED.code, CAMPAIGN_PAUSED.message);
    case 'not-eligible':
      return rejected(403, 'NOT_ELIGIBLE', 'this user is not eligible for this campaign');
    case 'unknown-campaign':
      return rejected(404, CAMPAIGN_NOT_FOUND.code, CAMPAIGN_NOT_FOUND.message);
    case 'ledger-not-ready':
      return rejected(503, LEDGER_NOT_READY.code, LEDGER_NOT_READY.message);
    default: {
      const unhandled: never = outcome;
      throw new Error(`unhandled outcome ${JSON.stringify(unhandled)}`);
    }
  }

  function rejected(status: ApplyStatus, code: string, message: string, extra: object = {}) {
    return { status, body: { status: code, ...who, ...extra, ...errorBody(code, message) } };
  }
}
