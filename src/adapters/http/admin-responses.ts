import { json, STORE_UNAVAILABLE } from './documented-responses.ts';
import { CAMPAIGN_NOT_FOUND } from './error-messages.ts';
import { ErrorSchema } from './schemas.ts';

/** Every admin operation is behind the admin bearer token. */
export const ADMIN_SECURITY = [{ adminBearer: [] }];

export const UNAUTHORIZED = json(ErrorSchema, 'UNAUTHORIZED: missing or wrong admin token');

/** What every admin operation on one campaign may also answer. */
export const ON_A_CAMPAIGN = {
  401: UNAUTHORIZED,
  404: json(ErrorSchema, CAMPAIGN_NOT_FOUND.code),
  503: STORE_UNAVAILABLE,
};
