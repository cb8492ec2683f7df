import { describe, expect, it } from 'vitest';
import {
  EventSigner,
  EventVerifier,
  SIGNATURE_HEADER,
  SIGNATURE_KEY_ID_HEADER,
} from '../../src/adapters/kafka/event-signature.ts';
import { InMemoryCampaignRepository } from '../../src/adapters/memory/in-memory-campaign-repository.ts';
import { InMemoryCouponRepository } from '../../src/adapters/memory/in-memory-coupon-repository.ts';
import { InMemoryFailedIssuanceRepository } from '../../src/adapters/memory/in-memory-failed-issuance-repository.ts';
import {
  encodeCouponIssued,
  isUntrustedFailure,
} from '../../src/application/persist/coupon-issued-event.ts';
import { RetryFailedIssuances } from '../../src/application/persist/retry-failed-issuances.ts';
import { loadConfig } from '../../src/bootstrap/config.ts';
import { CampaignMother, CouponMother } from '../support/mothers.ts';

const OLD = { id: 'k1', secret: 'o'.repeat(32) };
const NEW = { id: 'k2', secret: 'n'.repeat(32) };
const value = Buffer.from('{"v":1,"campaignId":"c","userId":"u","sequence":1}');

describe('event signatures (trusted events)', () => {
  it('verifies what was signed, with any configured key (rotation)', () => {
    const verifier = new EventVerifier([NEW, OLD]);
    expect(verifier.verify(value, new EventSigner(NEW).headers(value))).toEqual({ ok: true });
    expect(verifier.verify(value, new EventSigner(OLD).headers(value))).toEqual({ ok: true });
  });

  it('refuses a missing, foreign, unknown-key or moved signature, with the reason', () => {
    const verifier = new EventVerifier([NEW]);
    const reason = (headers: Parameters<EventVerifier['verify']>[1], v: Buffer | null = value) => {
      const verdict = verifier.verify(v, headers);
      return verdict.ok ? 'trusted' : verdict.reason;
    };
    expect(reason(undefined)).toBe('untrusted event: no signature');
    expect(reason({ [SIGNATURE_KEY_ID_HEADER]: 'k2' })).toBe('untrusted event: no signature');
    expect(reason(new EventSigner(OLD).headers(value))).toBe(
      'untrusted event: unknown signing key id "k1"',
    );
    expect(reason(new EventSigner({ id: 'k2', secret: 'x'.repeat(32) }).headers(value))).toBe(
      'untrusted event: bad signature (key id "k2")',
    );
    expect(reason(new EventSigner(NEW).headers(Buffer.from('other')))).toBe(
      'untrusted event: bad signature (key id "k2")',
    );
    expect(reason({ ...new EventSigner(NEW).headers(value), [SIGNATURE_HEADER]: 'short' })).toBe(
      'untrusted event: bad signature (key id "k2")',
    );
    // Two signature headers: which one is real? Neither.
    const headers = new EventSigner(NEW).headers(value);
    expect(reason({ ...headers, [SIGNATURE_HEADER]: [headers[SIGNATURE_HEADER]!, 'x'] })).toBe(
      'untrusted event: no signature',
    );
    expect(isUntrustedFailure('untrusted event: no signature')).toBe(true);
    expect(isUntrustedFailure('payload is not JSON')).toBe(false);
  });

  it('treats a null value as empty bytes (a signed tombstone is then merely undecodable)', () => {
    const headers = new EventSigner(NEW).headers(Buffer.alloc(0));
    expect(new EventVerifier([NEW]).verify(null, headers)).toEqual({ ok: true });
  });
});

describe('EVENT_SIGNING_KEYS', () => {
  it('parses keyId:secret pairs, the first being the signing key', () => {
    const config = loadConfig({ EVENT_SIGNING_KEYS: `k2:${NEW.secret}, k1:${OLD.secret}` });
    expect(config.EVENT_SIGNING_KEYS).toEqual([NEW, OLD]);
    expect(loadConfig({}).EVENT_SIGNING_KEYS).toBeUndefined();
  });

  it.each([
    ['nocolon', 'must be keyId:secret'],
    [`:${NEW.secret}`, 'must be keyId:secret'],
    ['k1:short', 'at least 32 characters'],
    [`k1:${OLD.secret},k1:${NEW.secret}`, 'listed twice'],
  ])('refuses %s with one line naming the variable', (raw, message) => {
    expect(() => loadConfig({ EVENT_SIGNING_KEYS: raw })).toThrow(
      new RegExp(`EVENT_SIGNING_KEYS: .*${message}`),
    );
  });

  it('is required by every process on Kafka, before any connection is tried', () => {
    expect(() => loadConfig({ KAFKA_BROKERS: '127.0.0.1:1' })).toThrow(
      /EVENT_SIGNING_KEYS: is required when KAFKA_BROKERS is set/,
    );
  });
});

describe('retry-failed and untrusted events', () => {
  it('never replays a refused event into a coupon row (G4): it stays open for an operator', async () => {
    const campaigns = new InMemoryCampaignRepository();
    const campaign = CampaignMother.open();
    await campaigns.create(campaign);
    const coupons = new InMemoryCouponRepository(campaigns);
    const failures = new InMemoryFailedIssuanceRepository();
    const forged = CouponMother.of(campaign.id, 1);
    const now = new Date();
    await failures.recordAll(
      [
        {
          campaignId: forged.campaignId,
          userId: forged.userId,
          payload: encodeCouponIssued(forged), // decodes fine: only the signature was wrong
          error: 'untrusted event: bad signature (key id "k2")',
          attempts: 1,
        },
      ],
      now,
    );
    const report = await new RetryFailedIssuances(failures, coupons, { now: () => now }).execute();
    expect(report).toEqual({ resolved: 0, stillFailing: 1 });
    expect(await coupons.countByCampaign(campaign.id)).toBe(0);
    expect(await failures.listOpen(10)).toMatchObject([
      { error: 'untrusted event: bad signature (key id "k2")', attempts: 1 },
    ]);
  });
});
