import type { Message, Producer } from 'kafkajs';
import {
  COUPON_ISSUED_SCHEMA_VERSION,
  encodeCouponIssued,
} from '../../application/persist/coupon-issued-event.ts';
import { PublisherUnavailableError } from '../../application/errors.ts';
import type {
  CouponPublisher,
  OutgoingCoupon,
} from '../../application/ports/coupon-publisher.port.ts';
import type { EventSigner } from './event-signature.ts';

/**
 * Publishes CouponIssued events to Kafka. Build the producer with `createCouponProducer`.
 *
 * - ONE `producer.send` per `publish`: kafkajs turns one send into one Produce request per
 *   broker, so a relay batch of 500 costs one round trip instead of 500.
 * - `acks: -1`: resolve only once every in-sync replica has the batch (the port's promise); the
 *   relay acks its outbox on that, so anything weaker could lose a granted coupon (G3).
 * - Key `campaignId:userId`: spreads one campaign over all partitions (a hot campaign is the
 *   whole load) and keeps every event of one (campaign, user) on one partition. The consumer
 *   relies on neither: `saveAll` is idempotent and order-free.
 * - Every message is signed (EventSigner: HMAC-SHA256 over the exact value bytes, in headers):
 *   the consumer persists only what it can verify, so a foreign producer cannot mint coupons.
 * - A coupon with a trace carries it in the W3C `traceparent` header (outside the signed bytes):
 *   the consumer links its batch to it.
 * - Every failure becomes PublisherUnavailableError: the relay keeps the entries and backs off;
 *   a partial write is possible (the port says so) and harmless (redelivery is idempotent).
 * - The producer is connected lazily and again after any failure, so a broker that was down
 *   (or a producer somebody disconnected) works again on the next publish without a restart.
 */
const SCHEMA_VERSION = String(COUPON_ISSUED_SCHEMA_VERSION);

export class KafkaCouponPublisher implements CouponPublisher {
  #connection: Promise<void> | undefined;

  constructor(
    private readonly producer: Producer,
    private readonly topic: string,
    private readonly signer: EventSigner,
  ) {
    // An explicit disconnect (ours at shutdown or anybody's) leaves kafkajs refusing every send
    // with "The producer is disconnected"; forget the connection so the next publish reconnects.
    producer.on(producer.events.DISCONNECT, () => {
      this.#connection = undefined;
    });
  }

  async publish(coupons: readonly OutgoingCoupon[]): Promise<void> {
    // Nothing to say: no request, not even a connection (an idle relay must not need Kafka).
    if (coupons.length === 0) return;
    const messages: Message[] = coupons.map((coupon) => {
      // The bytes that are signed are the bytes that are sent: no second serialisation.
      const value = Buffer.from(encodeCouponIssued(coupon), 'utf8');
      const headers = { 'schema-version': SCHEMA_VERSION, ...this.signer.headers(value) };
      return {
        key: `${coupon.campaignId}:${coupon.userId}`,
        value,
        headers: coupon.trace === undefined ? headers : { ...headers, traceparent: coupon.trace },
      };
    });
    try {
      await this.connect();
      // Broker-side wait for the ISR acks; below the client requestTimeout (10 s, kafka-client)
      // so a slow replica is reported by the broker as a (retriable) timeout, not a dead socket.
      await this.producer.send({ topic: this.topic, messages, acks: -1, timeout: 5_000 });
    } catch (error) {
      // Whatever went wrong (retries exhausted, connection refused, producer disconnected),
      // connect again next time. `producer.connect()` is cheap when still connected (kafkajs
      // returns at once if a broker connection is alive), so this costs nothing when the cause
      // was something else. We never call disconnect() here: concurrent publishes share the
      // producer and would fail with it.
      this.#connection = undefined;
      throw new PublisherUnavailableError(error);
    }
  }

  /** Shares one connect among concurrent publishes; a failed connect is retried next time. */
  private connect(): Promise<void> {
    if (!this.#connection) {
      const connecting = this.producer.connect();
      this.#connection = connecting;
      connecting.catch(() => {
        if (this.#connection === connecting) this.#connection = undefined;
      });
    }
    return this.#connection;
  }
}
