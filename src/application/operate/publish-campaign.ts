import {
  publicationWarnings,
  publish,
  type PublicationContext,
  type PublicationWarning,
} from '../../domain/campaign-changes.ts';
import { isDraft, type Campaign } from '../../domain/campaign.ts';
import type { CampaignId, UserId } from '../../domain/ids.ts';
import type { Allowlist } from '../ports/allowlist.port.ts';
import type { Actor } from '../ports/audit-trail.port.ts';
import type { CampaignRepository } from '../ports/campaign-repository.port.ts';
import type { Clock } from '../ports/clock.port.ts';
import type { IssuanceLedger } from '../ports/issuance-ledger.port.ts';
import type { LedgerControls } from '../ports/ledger-controls.port.ts';
import { auditBy, auditChange } from './campaign-view.ts';

export interface Preview {
  readonly campaign: Campaign;
  readonly allowlistSize: number;
  /** What a careful colleague would say; publishing needs each acknowledged. */
  readonly warnings: readonly PublicationWarning[];
}

export type PublishOutcome =
  | { readonly kind: 'published'; readonly campaign: Campaign }
  | { readonly kind: 'already-published' }
  | { readonly kind: 'unacknowledged'; readonly warnings: readonly PublicationWarning[] }
  | { readonly kind: 'unknown-campaign' };

/** Allowlist users copied into the ledger per page at publication. */
const PAGE = 5000;

/**
 * The step from draft to live, in two calls: the preview shows the rules exactly as they will
 * be applied and the warnings; the publication is refused while a warning that applies was not
 * acknowledged. Published, the campaign's rules are defined in the ledger and its allowlist
 * copied there, then its state is written durably with the audit entry, in one held change.
 */
export class PublishCampaign {
  constructor(
    private readonly campaigns: CampaignRepository,
    private readonly allowlist: Allowlist,
    private readonly ledger: IssuanceLedger,
    private readonly controls: LedgerControls,
    private readonly clock: Clock,
  ) {}

  async preview(campaignId: CampaignId): Promise<Preview | undefined> {
    const campaign = await this.campaigns.find(campaignId);
    return campaign ? this.previewOf(campaign) : undefined;
  }

  async execute(
    campaignId: CampaignId,
    by: Actor,
    acknowledged: readonly string[],
  ): Promise<PublishOutcome> {
    // What the warnings are judged against (the other campaigns, the allowlist's size) is read
    // before the campaign is held: the change holds a database connection, and asking the pool
    // for another one inside it deadlocks once every connection is held by such a change.
    const context = await this.contextOf(campaignId);
    let defined: Campaign | undefined;
    try {
      const outcome = await this.campaigns.update<PublishOutcome>(campaignId, async (current) => {
        if (!isDraft(current)) return { result: { kind: 'already-published' } };
        const warnings = publicationWarnings(current, { ...context, now: this.clock.now() });
        const publication = publish(current, warnings, acknowledged);
        if (publication.kind !== 'published') return { result: publication };
        const { campaign } = publication;
        defined = campaign;
        await this.define(campaign);
        return {
          result: publication,
          campaign,
          audit: {
            ...auditBy(by),
            action: 'publish',
            campaignId,
            ...auditChange(current, campaign),
          },
        };
      });
      defined = undefined;
      return outcome ?? { kind: 'unknown-campaign' };
    } finally {
      // The durable write failed after the ledger took the rules: the record still says draft,
      // so the ledger must grant nothing. Publishing again replaces these rules.
      if (defined) await this.ledger.define({ ...defined, paused: true }).catch(() => undefined);
    }
  }

  private async previewOf(campaign: Campaign): Promise<Preview> {
    const context = await this.contextOf(campaign.id);
    const warnings = publicationWarnings(campaign, { ...context, now: this.clock.now() });
    return { campaign, allowlistSize: context.allowlistSize, warnings };
  }

  /** The largest cap of the other published campaigns, and the campaign's allowlist size. */
  private async contextOf(campaignId: CampaignId): Promise<Omit<PublicationContext, 'now'>> {
    const [others, allowlistSize] = await Promise.all([
      this.campaigns.list(),
      this.allowlist.count(campaignId),
    ]);
    const previous = others.filter((other) => other.id !== campaignId && !isDraft(other));
    const largestPreviousTotal =
      previous.length === 0 ? undefined : Math.max(...previous.map((c) => c.totalQuantity));
    return { largestPreviousTotal, allowlistSize };
  }

  /**
   * Defines the rules in the ledger with the allowlist copied there. The list is copied whatever
   * the eligibility (a later correction to `allowlist` is then in force at once); while an
   * allowlisted campaign's list is being copied, it is defined paused, so that an applicant on
   * the part not yet copied hears "paused, try again" rather than "not eligible".
   */
  private async define(campaign: Campaign): Promise<void> {
    const staged = campaign.eligibility?.kind === 'allowlist' && !campaign.paused;
    await this.defineOrThrow(staged ? { ...campaign, paused: true } : campaign);
    // Read after the rules exist, always: an upload that committed before this read is in it,
    // and one after it finds the rules and adds its users to the ledger by itself.
    await this.copyAllowlist(campaign.id);
    if (staged) await this.defineOrThrow(campaign);
  }

  /** A draft has granted nothing: a ledger that says otherwise holds another campaign's keys. */
  private async defineOrThrow(campaign: Campaign): Promise<void> {
    const outcome = await this.ledger.define(campaign);
    if (outcome.kind === 'below-issued') {
      throw new Error(
        `the ledger already holds ${outcome.consumed} grants for draft ${campaign.id}`,
      );
    }
  }

  private async copyAllowlist(campaignId: CampaignId): Promise<void> {
    for (let after: UserId | undefined; ;) {
      const page = await this.allowlist.page(campaignId, after, PAGE);
      if (page.length > 0) await this.controls.allow(campaignId, page);
      if (page.length < PAGE) return;
      after = page.at(-1);
    }
  }
}
