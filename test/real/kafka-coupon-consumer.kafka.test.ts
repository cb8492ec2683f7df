import { randomUUID } from 'node:crypto';
import type { Kafka, Producer } from 'kafkajs';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import {
  createCouponProducer,
  createKafka,
  ensureTopic,
} from '../../src/adapters/kafka/kafka-client.ts';
import { KafkaCouponConsumer } from '../../src/adapters/kafka/kafka-coupon-consumer.ts';
import { KafkaCouponPublisher } from '../../src/adapters/kafka/kafka-coupon-publisher.ts';
import {
  EventSigner,
  EventVerifier,
  SIGNATURE_HEADER,
  SIGNATURE_KEY_ID_HEADER,
  type SigningKey,
} from '../../src/adapters/kafka/event-signature.ts';
import { InMemoryCampaignRepository } from '../../src/adapters/memory/in-memory-campaign-repository.ts';
import { InMemoryCouponRepository } from '../../src/adapters/memory/in-memory-coupon-repository.ts';
import { InMemoryFailedIssuanceRepository } from '../../src/adapters/memory/in-memory-failed-issuance-repository.ts';
import { SystemClock } from '../../src/adapters/system/system-clock.ts';
import { encodeCouponIssued } from '../../src/application/persist/coupon-issued-event.ts';
import { StoreUnavailableError } from '../../src/application/errors.ts';
import type { CouponRepository } from '../../src/application/ports/coupon-repository.port.ts';
import { RecordIssuedCoupons } from '../../src/application/persist/record-issued-coupons.ts';
import type { Campaign } from '../../src/domain/campaign.ts';
import type { Coupon } from '../../src/domain/coupon.ts';
import type { CampaignId, UserId } from '../../src/domain/ids.ts';
import { CampaignMother, CouponMother } from '../support/mothers.ts';
import { requireService } from '../support/real-services.ts';
import { CapturingLogger } from '../support/test-logger.ts';

const brokers = requireService('KAFKA_BROKERS')
  .split(',')
  .map((broker) => broker.trim())
  .filter((broker) => broker.length > 0);

const kafka: Kafka = createKafka({
  brokers,
  clientId: 'coupon-consumer-test',
  logger: new CapturingLogger(),
});
let producer: Producer;

/** The relay's current key, the previous one (still accepted during a rotation), a stranger's. */
const CURRENT: SigningKey = { id: 'k2', secret: randomUUID() + randomUUID() };
const PREVIOUS: SigningKey = { id: 'k1', secret: randomUUID() + randomUUID() };
const STRANGER: SigningKey = { id: 'k2', secret: randomUUID() + randomUUID() };
const signer = new EventSigner(CURRENT);
const publisherFor = (topic: string, key: SigningKey = CURRENT) =>
  new KafkaCouponPublisher(producer, topic, new EventSigner(key));

/** Polls `probe` until it returns true; the message says what never happened. */
async function eventually(
  what: string,
  probe: () => Promise<boolean> | boolean,
  deadlineMs = 30_000,
): Promise<void> {
  const deadline = Date.now() + deadlineMs;
  while (!(await probe())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for: ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

/** A promise plus its resolve, to hold a repository call until the test has looked around. */
function gate(): { promise: Promise<void>; open(): void } {
  let open!: () => void;
  const promise = new Promise<void>((resolve) => (open = resolve));
  return { promise, open };
}

/** Releases of every held repository, opened after each test whatever happened in it. */
const heldGates: (() => void)[] = [];

/** Throws StoreUnavailableError for the first `failures` calls, then waits for `release`. */
class FlakyCouponRepository implements CouponRepository {
  calls = 0;
  readonly failedAll = gate();
  readonly release = gate();

  constructor(
    private readonly inner: CouponRepository,
    private readonly failures: number,
  ) {
    // A failed assertion before the release would otherwise leave the batch (and stop()) hanging.
    heldGates.push(() => this.release.open());
  }

  async saveAll(coupons: readonly Coupon[]): Promise<void> {
    this.calls += 1;
    if (this.calls <= this.failures) {
      if (this.calls === this.failures) this.failedAll.open();
      throw new StoreUnavailableError(new Error(`simulated outage, call ${this.calls}`));
    }
    await this.release.promise;
    return this.inner.saveAll(coupons);
  }

  find(campaignId: CampaignId, userId: UserId) {
    return this.inner.find(campaignId, userId);
  }

  countByCampaign(campaignId: CampaignId) {
    return this.inner.countByCampaign(campaignId);
  }

  countByCampaigns(campaignIds: readonly CampaignId[]) {
    return this.inner.countByCampaigns(campaignIds);
  }

  listByCampaign(campaignId: CampaignId, afterSequence: number, limit: number) {
    return this.inner.listByCampaign(campaignId, afterSequence, limit);
  }
}

/** Counts what the consumer hands to the use case, to prove what was (not) redelivered. */
class CountingRecordIssuedCoupons extends RecordIssuedCoupons {
  readonly seen: string[] = [];

  override async execute(payloads: readonly string[]) {
    this.seen.push(...payloads);
    return super.execute(payloads);
  }
}

interface World {
  readonly topic: string;
  readonly groupId: string;
  readonly campaign: Campaign;
  readonly campaigns: InMemoryCampaignRepository;
  readonly coupons: InMemoryCouponRepository;
  readonly failures: InMemoryFailedIssuanceRepository;
  readonly logger: CapturingLogger;
}

const topics: string[] = [];
const consumers: KafkaCouponConsumer[] = [];

async function world(partitions = 3): Promise<World> {
  const topic = `coupon-issued-test-${randomUUID()}`;
  topics.push(topic);
  await ensureTopic(kafka, topic, partitions);
  const campaigns = new InMemoryCampaignRepository();
  const campaign = CampaignMother.open();
  await campaigns.create(campaign);
  return {
    topic,
    groupId: `coupon-consumer-test-${randomUUID()}`,
    campaign,
    campaigns,
    coupons: new InMemoryCouponRepository(campaigns),
    failures: new InMemoryFailedIssuanceRepository(),
    logger: new CapturingLogger(),
  };
}

function consumerFor(w: World, record: RecordIssuedCoupons): KafkaCouponConsumer {
  const consumer = new KafkaCouponConsumer(kafka, {
    groupId: w.groupId,
    topic: w.topic,
    record,
    verifier: new EventVerifier([CURRENT, PREVIOUS]),
    failures: w.failures,
    clock: new SystemClock(),
    logger: w.logger,
    minBackoffMs: 50,
    maxBackoffMs: 400,
  });
  consumers.push(consumer);
  return consumer;
}

const recorder = (w: World, coupons: CouponRepository = w.coupons) =>
  new CountingRecordIssuedCoupons(coupons, w.failures, new SystemClock(), w.logger);

const couponsOf = (w: World, count: number): Coupon[] =>
  Array.from({ length: count }, (_, i) => CouponMother.of(w.campaign.id, i + 1));

/** Committed offset per partition for the group (-1: nothing committed yet). */
async function committed(w: World): Promise<Map<number, bigint>> {
  const admin = kafka.admin();
  await admin.connect();
  try {
    const [topic] = await admin.fetchOffsets({ groupId: w.groupId, topics: [w.topic] });
    return new Map((topic?.partitions ?? []).map((p) => [p.partition, BigInt(p.offset)]));
  } finally {
    await admin.disconnect();
  }
}

/** High watermark (next offset to be written) per partition. */
async function ends(w: World): Promise<Map<number, bigint>> {
  const admin = kafka.admin();
  await admin.connect();
  try {
    return new Map(
      (await admin.fetchTopicOffsets(w.topic)).map((p) => [p.partition, BigInt(p.high)]),
    );
  } finally {
    await admin.disconnect();
  }
}

/** True when every partition with messages has its end committed. */
async function committedToEnd(w: World): Promise<boolean> {
  const [done, end] = await Promise.all([committed(w), ends(w)]);
  return [...end].every(([partition, high]) => high === 0n || done.get(partition) === high);
}

beforeAll(async () => {
  producer = createCouponProducer(kafka);
  await producer.connect();
});

afterEach(async () => {
  for (const open of heldGates.splice(0)) open();
  for (const consumer of consumers.splice(0)) await consumer.stop();
});

afterAll(async () => {
  await producer.disconnect();
  const admin = kafka.admin();
  await admin.connect();
  try {
    if (topics.length > 0) await admin.deleteTopics({ topics });
  } finally {
    await admin.disconnect();
  }
});

describe('KafkaCouponConsumer', () => {
  it('stores every valid coupon once and records garbage and empty payloads as failed', async () => {
    const w = await world();
    const issued = couponsOf(w, 50);
    const publisher = publisherFor(w.topic);
    await publisher.publish(issued);
    // The relay may deliver twice (crash between the broker's ack and the outbox ack).
    await publisher.publish([issued[0] as Coupon]);
    // Garbage from a producer holding the key (a bug of ours): trusted, but undecodable.
    const garbage = Buffer.from('this is not json');
    await producer.send({
      topic: w.topic,
      acks: -1,
      messages: [
        { value: garbage, headers: signer.headers(garbage) },
        { value: null, headers: signer.headers(Buffer.alloc(0)) },
      ],
    });

    // Published before the consumer exists: a new group must start from the beginning.
    const consumer = consumerFor(w, recorder(w));
    await consumer.start();

    await eventually(
      '50 coupons stored and 2 failures recorded',
      async () =>
        (await w.coupons.countByCampaign(w.campaign.id)) === 50 &&
        (await w.failures.countOpen()) === 2,
    );
    for (const coupon of issued)
      expect(await w.coupons.find(coupon.campaignId, coupon.userId)).toEqual(coupon);
    const failed = await w.failures.listOpen(10);
    expect(failed.map((f) => f.payload).sort()).toEqual(['', 'this is not json']);
    await eventually('offsets committed up to the end of every partition', () => committedToEnd(w));
    expect(consumer.stats).toMatchObject({
      state: 'running',
      totalPersisted: 51,
      totalFailed: 2,
      lag: 0,
    });
  });

  it('refuses forged events: failed_issuance with the reason, no coupon row, partition not blocked', async () => {
    const w = await world(1);
    const [genuine, unsigned, stranger, unknownKey, tampered] = couponsOf(w, 5) as [
      Coupon,
      Coupon,
      Coupon,
      Coupon,
      Coupon,
    ];
    const value = (coupon: Coupon) => Buffer.from(encodeCouponIssued(coupon));
    const tamperedValue = value(tampered);
    const forgedHeaders = signer.headers(value({ ...tampered, userId: 'someone-else' as UserId }));
    // Straight to the topic, as anyone with write access to it could.
    await producer.send({
      topic: w.topic,
      acks: -1,
      messages: [
        { value: value(unsigned) },
        { value: value(stranger), headers: new EventSigner(STRANGER).headers(value(stranger)) },
        {
          value: value(unknownKey),
          headers: new EventSigner({ ...CURRENT, id: 'k9' }).headers(value(unknownKey)),
        },
        // A genuine signature, moved onto another value.
        { value: tamperedValue, headers: forgedHeaders },
      ],
    });
    // Behind the forgeries on the same (only) partition: it must not be held up by them.
    await publisherFor(w.topic).publish([genuine]);

    const consumer = consumerFor(w, recorder(w));
    await consumer.start();
    await eventually('the genuine coupon stored and 4 failures recorded', async () => {
      return (
        (await w.coupons.countByCampaign(w.campaign.id)) === 1 &&
        (await w.failures.countOpen()) === 4
      );
    });
    await eventually('offsets committed past the forgeries', () => committedToEnd(w));
    expect(await w.coupons.find(genuine.campaignId, genuine.userId)).toEqual(genuine);
    for (const forged of [unsigned, stranger, unknownKey, tampered])
      expect(await w.coupons.find(forged.campaignId, forged.userId)).toBeUndefined();
    const failed = await w.failures.listOpen(10);
    const reasonFor = (coupon: Coupon) => failed.find((f) => f.userId === coupon.userId)?.error;
    expect(reasonFor(unsigned)).toBe('untrusted event: no signature');
    expect(reasonFor(stranger)).toBe('untrusted event: bad signature (key id "k2")');
    expect(reasonFor(unknownKey)).toBe('untrusted event: unknown signing key id "k9"');
    expect(reasonFor(tampered)).toBe('untrusted event: bad signature (key id "k2")');
    // The row keeps the evidence: the value exactly as received.
    expect(failed.find((f) => f.userId === tampered.userId)?.payload).toBe(
      tamperedValue.toString(),
    );
    expect(consumer.stats).toMatchObject({ totalPersisted: 1, totalFailed: 4, totalUntrusted: 4 });
    expect(w.logger.at('error').map((entry) => entry.message)).toContain(
      'untrusted coupon events moved to failed_issuance',
    );
  });

  it('accepts events signed with any configured key (rotation) and carries the key id', async () => {
    const w = await world(1);
    const [old, current] = couponsOf(w, 2) as [Coupon, Coupon];
    await publisherFor(w.topic, PREVIOUS).publish([old]);
    await publisherFor(w.topic).publish([current]);
    const consumer = consumerFor(w, recorder(w));
    await consumer.start();
    await eventually(
      'both coupons stored',
      async () => (await w.coupons.countByCampaign(w.campaign.id)) === 2,
    );
    expect(await w.failures.countOpen()).toBe(0);
    expect(consumer.stats.totalUntrusted).toBe(0);
    // The headers are what the relay promises: key id in clear, MAC in base64url.
    const headers = signer.headers(Buffer.from('x'));
    expect(Object.keys(headers).sort()).toEqual([SIGNATURE_HEADER, SIGNATURE_KEY_ID_HEADER]);
    expect(headers[SIGNATURE_KEY_ID_HEADER]).toBe('k2');
    expect(headers[SIGNATURE_HEADER]).toMatch(/^[A-Za-z0-9_-]{43}$/);
  });

  it('retries a batch through a store outage and commits only after it is stored', async () => {
    const w = await world();
    const issued = couponsOf(w, 30);
    await publisherFor(w.topic).publish(issued);
    const flaky = new FlakyCouponRepository(w.coupons, 3);
    const consumer = consumerFor(w, recorder(w, flaky));
    await consumer.start();

    // Three failed attempts, and the next one is held: nothing may be committed yet.
    await flaky.failedAll.promise;
    const duringOutage = await committed(w);
    expect([...duringOutage.values()].every((offset) => offset < 0n)).toBe(true);
    expect(await w.coupons.countByCampaign(w.campaign.id)).toBe(0);

    flaky.release.open();

    await eventually(
      'all 30 coupons stored',
      async () => (await w.coupons.countByCampaign(w.campaign.id)) === 30,
    );
    await eventually('offsets committed up to the end of every partition', () => committedToEnd(w));
    expect(await w.failures.countOpen()).toBe(0);
    expect(consumer.stats.batchRetries).toBeGreaterThanOrEqual(3);
    expect(w.logger.at('warn').map((entry) => entry.message)).toContain(
      'coupon store unavailable; retrying batch',
    );
  });

  it('lets the batch in flight finish and commits it when stopped', async () => {
    const w = await world(1);
    await publisherFor(w.topic).publish(couponsOf(w, 20));
    // Zero failures: the first call simply waits for the release.
    const held = new FlakyCouponRepository(w.coupons, 0);
    const record = recorder(w, held);
    const consumer = consumerFor(w, record);
    await consumer.start();
    await eventually('a batch is in flight', () => held.calls > 0);

    const stopping = consumer.stop();
    held.release.open();
    await stopping;

    const inFlight = BigInt(record.seen.length);
    expect(inFlight).toBeGreaterThan(0n);
    expect(await w.coupons.countByCampaign(w.campaign.id)).toBe(Number(inFlight));
    expect((await committed(w)).get(0)).toBe(inFlight);
    expect(consumer.stats.state).toBe('stopped');
  });

  it('does not hand committed batches to a new consumer of the same group', async () => {
    const w = await world();
    const publisher = publisherFor(w.topic);
    /** Publishes a batch; a new consumer of the group then runs until `stored` are in, committed. */
    const consume = async (batch: string, coupons: Coupon[], stored: number) => {
      await publisher.publish(coupons);
      const record = recorder(w);
      const consumer = consumerFor(w, record);
      await consumer.start();
      await eventually(
        `${stored} stored`,
        async () => (await w.coupons.countByCampaign(w.campaign.id)) === stored,
      );
      await eventually(`${batch} batch committed`, () => committedToEnd(w));
      return { record, consumer };
    };

    const { consumer: firstConsumer } = await consume('first', couponsOf(w, 40), 40);
    await firstConsumer.stop();
    const afterFirst = await committed(w);

    const second = couponsOf(w, 25).map((coupon, i) => ({ ...coupon, sequence: 41 + i }));
    const { record: secondRecord } = await consume('second', second, 65);

    // Exactly the new events reached the use case: nothing before the committed offsets.
    expect(secondRecord.seen).toHaveLength(25);
    expect(new Set(secondRecord.seen)).toEqual(new Set(second.map(encodeCouponIssued)));
    const afterSecond = await committed(w);
    for (const [partition, offset] of afterFirst)
      expect(afterSecond.get(partition) ?? -1n).toBeGreaterThanOrEqual(offset);
  });
});
