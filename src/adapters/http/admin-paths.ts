/**
 * The admin paths, stated once in Hono's form (`:param`; the document's form is derived, see
 * paths.ts), with the two facts app.ts's body checks need about them.
 */
export const ADMIN_PATHS = {
  campaigns: '/admin/campaigns',
  campaign: '/admin/campaigns/:campaignId',
  preview: '/admin/campaigns/:campaignId/preview',
  publish: '/admin/campaigns/:campaignId/publish',
  pause: '/admin/campaigns/:campaignId/pause',
  resume: '/admin/campaigns/:campaignId/resume',
  end: '/admin/campaigns/:campaignId/end',
  allowlist: '/admin/campaigns/:campaignId/allowlist',
  allowlistRemove: '/admin/campaigns/:campaignId/allowlist/remove',
  coupons: '/admin/campaigns/:campaignId/coupons',
  revoke: '/admin/campaigns/:campaignId/coupons/:userId/revoke',
  audit: '/admin/audit',
} as const;

/** Routes whose JSON body may be left out altogether (it only carries options and a reason). */
export const OPTIONAL_BODY: ReadonlySet<string> = new Set([
  ADMIN_PATHS.publish,
  ADMIN_PATHS.pause,
  ADMIN_PATHS.resume,
  ADMIN_PATHS.end,
  ADMIN_PATHS.revoke,
]);

/** Routes that take a batch of up to 100,000 user ids, and so a larger body. */
export const LARGE_BODY: ReadonlySet<string> = new Set([
  ADMIN_PATHS.allowlist,
  ADMIN_PATHS.allowlistRemove,
]);
