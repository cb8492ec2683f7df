import type { Admin, Kafka } from 'kafkajs';
import type { HealthCheck } from '../../application/ports/health-check.port.ts';

/**
 * Readiness of Kafka: the cluster answers a metadata request (DescribeCluster) within
 * `timeoutMs`. One admin connection is reused across checks (a readiness probe every few
 * seconds must not open a socket each time) and reconnected after any failure.
 */
export class KafkaHealthCheck implements HealthCheck {
  readonly name = 'kafka';
  readonly #admin: Admin;
  #connection: Promise<void> | undefined;

  constructor(
    kafka: Kafka,
    private readonly timeoutMs = 2_000,
  ) {
    // No retries of the admin request: a probe answers "now" and its caller asks again. (The
    // connect itself still uses the client's small cluster retry; `timeoutMs` bounds the lot.)
    this.#admin = kafka.admin({ retry: { retries: 0 } });
  }

  async check(): Promise<void> {
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(
        () => reject(new Error(`kafka did not answer within ${this.timeoutMs} ms`)),
        this.timeoutMs,
      );
    });
    try {
      // Promise.race keeps a handler on the slow probe too, so its late rejection is not an
      // unhandled rejection; it only resets the connection for the next check.
      await Promise.race([this.probe(), timeout]);
    } catch (error) {
      this.#connection = undefined;
      throw error;
    } finally {
      clearTimeout(timer);
    }
  }

  async close(): Promise<void> {
    this.#connection = undefined;
    await this.#admin.disconnect();
  }

  private async probe(): Promise<void> {
    try {
      await this.connect();
      const { brokers } = await this.#admin.describeCluster();
      if (brokers.length === 0) throw new Error('kafka reports no brokers');
    } catch (error) {
      this.#connection = undefined;
      throw error;
    }
  }

  private connect(): Promise<void> {
    this.#connection ??= this.#admin.connect();
    return this.#connection;
  }
}
