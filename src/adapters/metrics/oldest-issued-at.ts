import type { Coupon } from '../../domain/coupon.ts';

/** Epoch milliseconds of the earliest grant in the batch; undefined for an empty batch. */
export function oldestIssuedAt(coupons: readonly Coupon[]): number | undefined {
  let oldest: number | undefined;
  for (const coupon of coupons) {
    const at = coupon.issuedAt.getTime();
    if (oldest === undefined || at < oldest) oldest = at;
  }
  return oldest;
}
