import { ContainerModule } from 'inversify';
import { ApplyForCoupon } from '../application/apply-for-coupon.ts';
import { CreateCampaign } from '../application/create-campaign.ts';
import { GetCampaignSummary } from '../application/get-campaign-summary.ts';
import { GetIssuanceStatus } from '../application/get-issuance-status.ts';
import { ListCampaigns } from '../application/list-campaigns.ts';
import { RebuildLedger } from '../application/rebuild-ledger.ts';
import { RecordIssuedCoupons } from '../application/record-issued-coupons.ts';
import { RelayIssuedCoupons } from '../application/relay-issued-coupons.ts';
import { RetryFailedIssuances } from '../application/retry-failed-issuances.ts';
import { TOKENS as T } from './tokens.ts';

/**
 * The use cases, bound with factories (`toResolvedValue`): they stay plain classes with no
 * decorators, and both entrypoints get the same ones.
 */
export const applicationModule = new ContainerModule(({ bind }) => {
  bind(T.applyForCoupon)
    .toResolvedValue((l, c, k) => new ApplyForCoupon(l, c, k), [T.ledger, T.campaigns, T.clock])
    .inSingletonScope();
  bind(T.createCampaign)
    .toResolvedValue((c, l) => new CreateCampaign(c, l), [T.campaigns, T.ledger])
    .inSingletonScope();
  bind(T.getCampaignSummary)
    .toResolvedValue(
      (c, l, r) => new GetCampaignSummary(c, l, r),
      [T.campaigns, T.ledger, T.coupons],
    )
    .inSingletonScope();
  bind(T.getIssuanceStatus)
    .toResolvedValue(
      (c, l, r) => new GetIssuanceStatus(c, l, r),
      [T.campaigns, T.ledger, T.coupons],
    )
    .inSingletonScope();
  bind(T.listCampaigns)
    .toResolvedValue((c, s) => new ListCampaigns(c, s), [T.campaigns, T.getCampaignSummary])
    .inSingletonScope();
  bind(T.recordIssuedCoupons)
    .toResolvedValue(
      (r, f, k, log) => new RecordIssuedCoupons(r, f, k, log),
      [T.coupons, T.failures, T.clock, T.logger],
    )
    .inSingletonScope();
  bind(T.relayIssuedCoupons)
    .toResolvedValue((o, p) => new RelayIssuedCoupons(o, p), [T.outbox, T.publisher])
    .inSingletonScope();
  bind(T.rebuildLedger)
    .toResolvedValue((c, r, l) => new RebuildLedger(c, r, l), [T.campaigns, T.coupons, T.ledger])
    .inSingletonScope();
  bind(T.retryFailedIssuances)
    .toResolvedValue(
      (f, r, k) => new RetryFailedIssuances(f, r, k),
      [T.failures, T.coupons, T.clock],
    )
    .inSingletonScope();
});
