import type { Actor } from '../ports/audit-trail.port.ts';
import type { Campaign } from '../../domain/campaign.ts';

/** A campaign's rules as the audit trail records them. */
export function auditView(campaign: Campaign): Record<string, unknown> {
  return {
    name: campaign.name,
    state: campaign.state ?? 'published',
    totalQuantity: campaign.totalQuantity,
    startsAt: campaign.startsAt?.toISOString() ?? null,
    endsAt: campaign.endsAt?.toISOString() ?? null,
    paused: campaign.paused ?? false,
    eligibility: campaign.eligibility ?? { kind: 'anyone' },
  };
}

/** Only what a change changed, before and after: what an auditor reads first. */
export function auditChange(
  before: Campaign,
  after: Campaign,
): { before: Record<string, unknown>; after: Record<string, unknown> } {
  const was = auditView(before);
  const is = auditView(after);
  const changed = Object.keys(is).filter(
    (key) => JSON.stringify(was[key]) !== JSON.stringify(is[key]),
  );
  return {
    before: Object.fromEntries(changed.map((key) => [key, was[key]])),
    after: Object.fromEntries(changed.map((key) => [key, is[key]])),
  };
}

/** The audit entry's who and why. */
export const auditBy = (by: Actor) => ({
  actor: by.name,
  ...(by.reason !== undefined ? { reason: by.reason } : {}),
});
