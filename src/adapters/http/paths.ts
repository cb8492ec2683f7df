/**
 * Every public path, stated once in Hono's form (`:param`); the OpenAPI document's form
 * (`{param}`) is derived from it, so a route and its documentation can never disagree.
 */
export const PATHS = {
  apply: '/campaigns/:campaignId/issuances',
  status: '/campaigns/:campaignId/issuances/:userId',
  campaign: '/campaigns/:campaignId',
  challenge: '/campaigns/:campaignId/challenge',
} as const;

/** `/campaigns/:campaignId` → `/campaigns/{campaignId}`. */
export function openApiPath(path: string): string {
  return path.replace(/:([A-Za-z]+)/g, '{$1}');
}
