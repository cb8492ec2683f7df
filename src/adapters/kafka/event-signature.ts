import { createHmac, timingSafeEqual } from 'node:crypto';
import type { IHeaders } from 'kafkajs';
import { UNTRUSTED_EVENT } from '../../application/persist/coupon-issued-event.ts';

/**
 * Trusted events (G4 against a producer that is not ours): the relay signs every CouponIssued
 * message with HMAC-SHA256 and the consumer persists only messages whose signature checks out.
 * Anyone who can write to the topic but does not hold a key can no longer create a coupon row.
 *
 * Wire format, two Kafka headers:
 * - `coupon-signature-key-id`: the id of the key that signed (rotation: see EventVerifier);
 * - `coupon-signature`: base64url of HMAC-SHA256(secret, message value bytes), no padding.
 *
 * The MAC covers the exact value bytes as they travel (no re-serialisation on either side), so
 * what is verified is what is decoded. The message key is NOT covered: it only picks the
 * partition, and the (campaign, user) that matters is inside the value. A replayed genuine
 * event is harmless (the consumer is idempotent per (campaign, user)).
 */
export const SIGNATURE_HEADER = 'coupon-signature';
export const SIGNATURE_KEY_ID_HEADER = 'coupon-signature-key-id';

/** One shared secret and its public id. */
export interface SigningKey {
  readonly id: string;
  readonly secret: string;
}

/** Signs with one key: the first of EVENT_SIGNING_KEYS, the "current" one. */
export class EventSigner {
  readonly #key: Buffer;
  readonly keyId: string;

  constructor(key: SigningKey) {
    if (!key.id || !key.secret) throw new Error('EventSigner: a key id and a secret are required');
    this.keyId = key.id;
    this.#key = Buffer.from(key.secret, 'utf8');
  }

  /** The headers to send with `value` (the exact bytes that go on the wire). */
  headers(value: Buffer): Record<string, string> {
    return {
      [SIGNATURE_KEY_ID_HEADER]: this.keyId,
      [SIGNATURE_HEADER]: mac(this.#key, value).toString('base64url'),
    };
  }
}

export type Verification = { readonly ok: true } | { readonly ok: false; readonly reason: string };

const TRUSTED: Verification = { ok: true };

/**
 * Accepts a message signed by ANY of its keys. Rotation is therefore: add the new key to every
 * consumer (as a second entry), then make it the first (signing) entry on every relay, then,
 * once nothing signed with the old key is left in the topic (consumer lag 0, or the topic's
 * retention passed), remove the old key everywhere.
 */
export class EventVerifier {
  readonly #keys: ReadonlyMap<string, Buffer>;

  constructor(keys: readonly SigningKey[]) {
    if (keys.length === 0) throw new Error('EventVerifier: at least one key is required');
    this.#keys = new Map(keys.map((key) => [key.id, Buffer.from(key.secret, 'utf8')]));
  }

  verify(value: Buffer | null, headers: IHeaders | undefined): Verification {
    const keyId = headerText(headers?.[SIGNATURE_KEY_ID_HEADER]);
    const signature = headerText(headers?.[SIGNATURE_HEADER]);
    if (keyId === undefined || signature === undefined) {
      return { ok: false, reason: `${UNTRUSTED_EVENT}: no signature` };
    }
    const key = this.#keys.get(keyId);
    if (!key) {
      return { ok: false, reason: `${UNTRUSTED_EVENT}: unknown signing key id "${clip(keyId)}"` };
    }
    const expected = mac(key, value ?? EMPTY);
    const given = Buffer.from(signature, 'base64url');
    // Constant time: a timing difference must not tell a forger how many bytes were right.
    if (given.length !== expected.length || !timingSafeEqual(given, expected)) {
      return { ok: false, reason: `${UNTRUSTED_EVENT}: bad signature (key id "${keyId}")` };
    }
    return TRUSTED;
  }
}

const EMPTY = Buffer.alloc(0);

function mac(key: Buffer, value: Buffer): Buffer {
  return createHmac('sha256', key).update(value).digest();
}

/** A header as text; a repeated header is refused (which of the two would be the real one?). */
function headerText(value: Buffer | string | (Buffer | string)[] | undefined): string | undefined {
  if (value === undefined || Array.isArray(value)) return undefined;
  return typeof value === 'string' ? value : value.toString('utf8');
}

/** A forger's key id goes into a log line and a table: keep it short. */
function clip(text: string): string {
  return text.length > 64 ? `${text.slice(0, 64)}…` : text;
}
