import { randomUUID } from 'node:crypto';
import type { Campaign } from '../../src/domain/campaign.ts';
import type { Coupon } from '../../src/domain/coupon.ts';
import type { CampaignId, UserId } from '../../src/domain/ids.ts';

/** Random ids per test, so suites never collide and never need truncating (Object Mothers). */
export const randomCampaignId = (prefix = 't'): CampaignId =>
  `${prefix}-${randomUUID().slice(0, 18)}` as CampaignId;

export const randomUserId = (prefix = 'u'): UserId =>
  `${prefix}:${randomUUID().slice(0, 12)}` as UserId;

export const userIds = (count: number, prefix = 'u'): UserId[] =>
  Array.from({ length: count }, (_, i) => `${prefix}-${i}-${randomUUID().slice(0, 6)}` as UserId);

export const CampaignMother = {
  open(overrides: Partial<Campaign> = {}): Campaign {
    return {
      id: randomCampaignId(),
      name: 'Test drop',
      totalQuantity: 1000,
      perUserLimit: 1,
      ...overrides,
    };
  },
};

export const CouponMother = {
  of(campaignId: CampaignId, sequence: number, overrides: Partial<Coupon> = {}): Coupon {
    return {
      campaignId,
      userId: randomUserId(),
      sequence,
      issuedAt: new Date(Date.UTC(2026, 10, 25, 12, 0, 0, sequence % 1000)),
      ...overrides,
    };
  },
};
