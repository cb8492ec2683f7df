import { invalid, ok, type Result } from './result.ts';

/**
 * Branded strings: a CampaignId or UserId can only be made by the parsers below, so every
 * id that reaches a port has already been checked (Redis keys and log lines stay clean).
 */
export type CampaignId = string & { readonly __brand: 'CampaignId' };
export type UserId = string & { readonly __brand: 'UserId' };

export const CAMPAIGN_ID = /^[a-z0-9-]{1,64}$/;
export const USER_ID = /^[A-Za-z0-9_.:-]{1,64}$/;
export const CAMPAIGN_ID_RULE = 'must be 1-64 characters of a-z, 0-9 and -';
export const USER_ID_RULE = 'must be 1-64 characters of A-Z, a-z, 0-9, _ . : and -';

export function parseCampaignId(raw: unknown, field = 'campaignId'): Result<CampaignId> {
  if (typeof raw !== 'string' || !CAMPAIGN_ID.test(raw)) {
    return invalid(field, CAMPAIGN_ID_RULE);
  }
  return ok(raw as CampaignId);
}

export function parseUserId(raw: unknown, field = 'userId'): Result<UserId> {
  if (typeof raw !== 'string' || !USER_ID.test(raw)) {
    return invalid(field, USER_ID_RULE);
  }
  return ok(raw as UserId);
}
