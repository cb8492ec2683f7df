import type { Campaign } from '../../domain/campaign.ts';
import type { CampaignId } from '../../domain/ids.ts';
import type { AuditEntry } from './audit-trail.port.ts';

/** What one change of a campaign writes, decided while the campaign is held (see `update`). */
export interface CampaignChange<T> {
  /** The caller's answer, returned by `update` as it is. */
  readonly result: T;
  /** The campaign as it is from now on; absent: the row is left as it was. */
  readonly campaign?: Campaign;
  /** What is appended to the audit trail, in the same transaction; absent: nothing. */
  readonly audit?: Omit<AuditEntry, 'id' | 'at'>;
}

/**
 * Where campaign definitions are kept durably (the rules as last set: a rebuilt ledger gets them
 * back from here); never read on the apply path.
 */
export interface CampaignRepository {
  /**
   * Stores a new campaign and its audit entry in one write; returns false (and changes nothing)
   * when the id is taken.
   */
  create(campaign: Campaign, audit?: Omit<AuditEntry, 'id' | 'at'>): Promise<boolean>;
  find(id: CampaignId): Promise<Campaign | undefined>;
  list(): Promise<Campaign[]>;
  /**
   * Changes one campaign while holding it against every other change (a row lock across
   * processes): `change` reads the campaign as it is, may act elsewhere (the ledger), and says
   * what to write; the new row and the audit entry are written together, or not at all.
   * Returns undefined (and calls nothing) when there is no such campaign.
   */
  update<T>(
    id: CampaignId,
    change: (current: Campaign) => Promise<CampaignChange<T>>,
  ): Promise<T | undefined>;
}
