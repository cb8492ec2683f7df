import type { Consumer, EachBatchPayload, Kafka } from 'kafkajs';
import { peekIds } from '../../application/persist/coupon-issued-event.ts';
import { StoreUnavailableError } from '../../application/errors.ts';
import type { Clock } from '../../application/ports/clock.port.ts';
import type {
  FailedIssuanceRepository,
  NewFailedIssuance,
} from '../../application/ports/failed-issuance-repository.port.ts';
import type { Logger } from '../../application/ports/logger.port.ts';
import type {
  RecordIssuedCoupons,
  RecordResult,
} from '../../application/persist/record-issued-coupons.ts';
import { ROOT_CONTEXT, SpanKind } from '@opentelemetry/api';
import { batchLinks, type TracedEvent } from '../tracing/batch-links.ts';
import { COUPON_ATTRIBUTES, ending, tracer } from '../tracing/tracer.ts';
import type { EventVerifier } from './event-signature.ts';
import { CatchUpWatch } from '../../application/catch-up-watch.ts';

export interface KafkaCouponConsumerOptions {
  readonly groupId: string;
  readonly topic: string;
  readonly record: RecordIssuedCoupons;
  /** Only messages it accepts reach `record`; the others go to `failures` (trusted events). */
  readonly verifier: EventVerifier;
  readonly failures: FailedIssuanceRepository;
  readonly clock: Clock;
  readonly logger: Logger;
  /**
   * Group liveness (kafkajs defaults 30 s / 3 s / 60 s). A SIGKILLed member is only noticed when
   * its session times out, and its partitions stall until then: keep the session short.
   */
  readonly sessionTimeoutMs?: number;
  readonly heartbeatIntervalMs?: number;
  readonly rebalanceTimeoutMs?: number;
  /** Partitions whose batches are handled at the same time (each is one `record` call). */
  readonly partitionsConsumedConcurrently?: number;
  /** First pause after a failed batch; doubles per consecutive failure up to `maxBackoffMs`. */
  readonly minBackoffMs?: number;
  readonly maxBackoffMs?: number;
}

export interface KafkaCouponConsumerStats {
  readonly state: 'stopped' | 'running' | 'crashed';
  /** Messages in the most recent batch that was persisted. */
  readonly lastBatchSize: number;
  /** Coupon events made durable (redelivered duplicates included: they are no-ops). */
  readonly totalPersisted: number;
  /** Events moved to failed_issuance (untrusted, undecodable or poison). */
  readonly totalFailed: number;
  /** Of those, events refused because their signature did not check out. */
  readonly totalUntrusted: number;
  /** Failed attempts of `record` that were retried (store outages mostly). */
  readonly batchRetries: number;
  /** Messages behind the high watermark after the last persisted batch, summed over partitions. */
  readonly lag: number;
}

/** Sleep slice while backing off: how quickly a stop or a lost partition ends the wait. */
const WAIT_SLICE_MS = 250;

/**
 * Driving adapter: Kafka `coupon-issued` → RecordIssuedCoupons, at least once.
 *
 * Offsets are committed only after `record` returned, that is after every event of the batch is
 * either a durable row or a failed_issuance row (G3). A crash anywhere before that redelivers
 * the batch, which is harmless because `saveAll` is idempotent per (campaign, user).
 *
 * Ordering is NOT relied on anywhere: one campaign's events are spread over all partitions
 * (key campaignId:userId), partitions are handled concurrently, and a retried or redelivered
 * batch can land after later ones. That is fine because `saveAll` is idempotent and order-free:
 * the grant order travels inside each event (`sequence`) instead of being read off the log.
 * The only order used is Kafka's offset order within one partition, to commit "everything up
 * to here" by resolving a batch's last offset.
 */
export class KafkaCouponConsumer {
  #consumer: Consumer | undefined;
  #state: KafkaCouponConsumerStats['state'] = 'stopped';
  #lastBatchSize = 0;
  #totalPersisted = 0;
  #totalFailed = 0;
  #totalUntrusted = 0;
  #batchRetries = 0;
  readonly #lagByPartition = new Map<number, number>();
  /** "consumer is behind" / "caught up" at info: a lag above zero for a while, then none. */
  readonly #watch: CatchUpWatch;
  private readonly minBackoffMs: number;
  private readonly maxBackoffMs: number;

  constructor(
    private readonly kafka: Kafka,
    private readonly options: KafkaCouponConsumerOptions,
  ) {
    if (!options.groupId || !options.topic) {
      throw new Error('KafkaCouponConsumer: groupId and topic are required');
    }
    this.minBackoffMs = options.minBackoffMs ?? 200;
    this.maxBackoffMs = Math.max(this.minBackoffMs, options.maxBackoffMs ?? 10_000);
    this.#watch = new CatchUpWatch('consumer', options.logger);
  }

  get stats(): KafkaCouponConsumerStats {
    let lag = 0;
    for (const value of this.#lagByPartition.values()) lag += value;
    return {
      state: this.#state,
      lastBatchSize: this.#lastBatchSize,
      totalPersisted: this.#totalPersisted,
      totalFailed: this.#totalFailed,
      totalUntrusted: this.#totalUntrusted,
      batchRetries: this.#batchRetries,
      lag,
    };
  }

  async start(): Promise<void> {
    if (this.#consumer) return;
    const { groupId, topic, logger } = this.options;
    const consumer = this.kafka.consumer({
      groupId,
      // The topic is created at boot (ensureTopic); subscribing must not invent one.
      allowAutoTopicCreation: false,
      // A stop waits for the long-poll fetch in flight (kafkajs cannot abort it): 1 s instead of
      // the default 5 s keeps shutdown and rebalances quick; an idle fetch per second is free.
      maxWaitTimeInMs: 1_000,
      // Omitted values keep kafkajs' defaults (exactOptionalPropertyTypes: no `undefined`s).
      ...(this.options.sessionTimeoutMs === undefined
        ? {}
        : { sessionTimeout: this.options.sessionTimeoutMs }),
      ...(this.options.heartbeatIntervalMs === undefined
        ? {}
        : { heartbeatInterval: this.options.heartbeatIntervalMs }),
      ...(this.options.rebalanceTimeoutMs === undefined
        ? {}
        : { rebalanceTimeout: this.options.rebalanceTimeoutMs }),
    });
    this.#consumer = consumer;
    consumer.on(consumer.events.CRASH, ({ payload }) => {
      // kafkajs restarts itself after retriable errors; a non-retriable one leaves the consumer
      // dead (the process lives on), so say it loudly and expose it in `stats.state`.
      if (!payload.restart) this.#state = 'crashed';
      logger.error(
        { err: payload.error, groupId, restart: payload.restart },
        'kafka consumer crashed',
      );
    });
    try {
      await consumer.connect();
      // fromBeginning only applies to a group without committed offsets: a brand-new consumer
      // group (first deploy, renamed group) must read every event already in the topic, or
      // coupons granted before it existed would never reach MySQL (G3). An existing group
      // resumes from its committed offsets as usual.
      await consumer.subscribe({ topics: [topic], fromBeginning: true });
      await consumer.run({
        // We resolve offsets ourselves, and only after the batch is durable. Left to kafkajs, the
        // batch's last offset would be resolved (and then committed) even when we return early.
        eachBatchAutoResolve: false,
        // Safe to leave on because kafkajs only ever commits *resolved* offsets (after a batch,
        // on rebalance, on stop), and we resolve only durable ones. Threshold 1 makes our
        // `commitOffsetsIfNecessary()` commit right away instead of "some time later": a
        // restart then replays at most the batch in flight.
        autoCommit: true,
        autoCommitInterval: null,
        autoCommitThreshold: 1,
        partitionsConsumedConcurrently: this.options.partitionsConsumedConcurrently ?? 1,
        eachBatch: (payload) => this.handleBatch(payload),
      });
      this.#state = 'running';
    } catch (error) {
      this.#consumer = undefined;
      await consumer.disconnect().catch(() => undefined);
      throw error;
    }
  }

  /**
   * Stops fetching, lets the batch in flight finish (a batch in backoff gives up at once and is
   * redelivered later), commits what is durable, leaves the group and disconnects. kafkajs'
   * `disconnect()` does all of it in that order: `stop()` waits for the running eachBatch, and
   * our eachBatch commits before returning.
   */
  async stop(): Promise<void> {
    const consumer = this.#consumer;
    if (!consumer) return;
    this.#consumer = undefined;
    try {
      await consumer.disconnect();
    } finally {
      this.#state = 'stopped';
    }
  }

  /**
   * `record` under a CONSUMER span linked to the trace of every event that carries one (a no-op
   * span unless tracing is on): the span of the batch, parent of its insert.
   */
  private recordTraced(
    batch: EachBatchPayload['batch'],
    payloads: readonly string[],
    traced: readonly TracedEvent[],
  ): Promise<RecordResult> {
    if (traced.length === 0) return this.options.record.execute(payloads);
    return tracer.startActiveSpan(
      `${batch.topic} process`,
      {
        kind: SpanKind.CONSUMER,
        links: batchLinks(traced),
        attributes: {
          'messaging.operation.name': 'process',
          'messaging.destination.name': batch.topic,
          'messaging.destination.partition.id': String(batch.partition),
          'messaging.batch.message_count': payloads.length,
          [COUPON_ATTRIBUTES.count]: payloads.length,
        },
      },
      ROOT_CONTEXT,
      (span) => ending(span, () => this.options.record.execute(payloads)),
    );
  }

  private async handleBatch(payload: EachBatchPayload): Promise<void> {
    const { batch } = payload;
    const last = batch.messages.at(-1);
    if (!last) return;
    // Trust first: an event whose signature does not check out never reaches the use case (G4).
    // It goes to failed_issuance with the reason, in this batch, so it never blocks the
    // partition; `retry-failed` leaves such rows alone (their error starts with UNTRUSTED_EVENT).
    // A null value (a tombstone or a broken producer) becomes '' so it is recorded in
    // failed_issuance like any undecodable payload, instead of crashing the batch forever.
    const payloads: string[] = [];
    const untrusted: NewFailedIssuance[] = [];
    const traced: TracedEvent[] = [];
    for (const message of batch.messages) {
      const text = message.value?.toString('utf8') ?? '';
      const verdict = this.options.verifier.verify(message.value, message.headers);
      if (verdict.ok) payloads.push(text);
      else untrusted.push({ ...peekIds(text), payload: text, error: verdict.reason, attempts: 1 });
      // Only events that carry a trace (the relay traced them) cost anything here.
      const traceparent = verdict.ok ? header(message.headers?.['traceparent']) : undefined;
      if (traceparent) traced.push({ traceparent, ...peekIds(text) });
    }
    let recorded = payloads.length === 0;
    let refused = untrusted.length === 0;

    for (let attempt = 1; ; attempt += 1) {
      try {
        // ONE call per batch: one multi-row insert is what keeps MySQL ahead of the stampede.
        // Each half is done once: a retry after the other half failed must not record twice.
        if (!recorded) {
          const result = await this.recordTraced(batch, payloads, traced);
          recorded = true;
          this.#totalPersisted += result.persisted;
          this.#totalFailed += result.failed;
        }
        if (!refused) {
          await this.options.failures.recordAll(untrusted, this.options.clock.now());
          refused = true;
          this.#totalFailed += untrusted.length;
          this.#totalUntrusted += untrusted.length;
          this.options.logger.error(
            {
              topic: batch.topic,
              partition: batch.partition,
              count: untrusted.length,
              reasons: [...new Set(untrusted.map((u) => u.error))],
            },
            'untrusted coupon events moved to failed_issuance',
          );
        }
        this.#lastBatchSize = payloads.length;
        this.#lagByPartition.set(batch.partition, Number(batch.offsetLag()));
        const lag = this.stats.lag;
        this.#watch.observe(lag > 0, { lag });
        if (attempt > 1) {
          this.options.logger.info(
            { partition: batch.partition, attempts: attempt },
            'coupon batch persisted after retries',
          );
        }
        break;
      } catch (error) {
        // Store down (StoreUnavailableError) or anything unexpected: nothing is resolved, so
        // nothing is committed; the same batch is retried here. We retry in place instead of
        // throwing to kafkajs: a throw makes kafkajs re-fetch the batch at once (no backoff)
        // and, after its own few retries, crash and restart the consumer (leave and rejoin the
        // group), which is noisier and no safer.
        this.#batchRetries += 1;
        const waitMs = Math.min(
          this.maxBackoffMs,
          this.minBackoffMs * 2 ** Math.min(attempt - 1, 20),
        );
        const context = {
          err: error,
          topic: batch.topic,
          partition: batch.partition,
          firstOffset: batch.firstOffset(),
          size: batch.messages.length,
          attempt,
          retryInMs: waitMs,
        };
        // An outage is expected and logged once; anything else is a bug or a broken
        // failed_issuance table and stays loud on every attempt (at most one line per backoff).
        if (!(error instanceof StoreUnavailableError)) {
          this.options.logger.error(context, 'coupon batch failed unexpectedly; retrying');
        } else if (attempt === 1) {
          this.options.logger.warn(context, 'coupon store unavailable; retrying batch');
        } else {
          this.options.logger.debug(context, 'coupon store still unavailable');
        }
        if (!(await this.backOff(waitMs, payload))) {
          // The consumer is stopping or the partition was taken away / re-seeked: the batch is
          // no longer ours. Return WITHOUT resolving: nothing is committed for it and whoever
          // owns the partition next gets it again (at-least-once).
          return;
        }
      }
    }

    // Only now are the rows durable, so only now may the offset move. Resolving the last
    // message resolves the whole batch (offsets within a partition are consumed in order; the
    // rows themselves are not ordered and need not be: saveAll is order-free).
    payload.resolveOffset(last.offset);
    // Commits now (autoCommitThreshold: 1). If the commit fails (coordinator moved, group
    // rebalancing) the error goes to kafkajs, which rejoins; the batch may then be delivered
    // again, which is harmless.
    await payload.commitOffsetsIfNecessary();
  }

  /**
   * Waits `ms` in short slices, heartbeating so the group coordinator does not consider us dead
   * and rebalance the partition away while the store is down. Returns false when the batch should
   * be abandoned. A heartbeat that fails (rebalance in progress, coordinator gone) is rethrown:
   * kafkajs then commits resolved offsets (ours are all durable), rejoins, and redelivers.
   */
  private async backOff(ms: number, payload: EachBatchPayload): Promise<boolean> {
    const until = Date.now() + ms;
    for (;;) {
      // isRunning: stop() was called. isStale: the partition was re-seeked (e.g. after a
      // rebalance revoked it), so the batch in hand is no longer the next thing to process.
      if (!payload.isRunning() || payload.isStale()) return false;
      const left = until - Date.now();
      if (left <= 0) return true;
      await new Promise((resolve) => setTimeout(resolve, Math.min(left, WAIT_SLICE_MS)));
      // Cheap: kafkajs sends a Heartbeat request only when heartbeatInterval has elapsed.
      await payload.heartbeat();
    }
  }
}

/** A header's value as text (kafkajs gives a Buffer, a string, an array or nothing). */
function header(value: Buffer | string | (Buffer | string)[] | undefined): string | undefined {
  const first = Array.isArray(value) ? value[0] : value;
  return first === undefined ? undefined : first.toString();
}
