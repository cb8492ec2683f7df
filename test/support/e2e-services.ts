import { execFile } from 'node:child_process';
import { promisify } from 'node:util';

export type Service = 'redis' | 'mariadb' | 'kafka';

const run = promisify(execFile);

/** `bash scripts/services.sh <action> <service>`; start waits until the service answers. */
async function services(action: 'start' | 'stop' | 'kill', service: Service): Promise<void> {
  await run('bash', ['scripts/services.sh', action, service], { timeout: 120_000 });
}

/**
 * Breaks and restores the shared local services. Every service a test broke is remembered until
 * it is started again, and `restoreAll` (called from afterEach/afterAll) starts whatever is still
 * broken, so a failing test never leaves Kafka, MariaDB or Redis down for the suites after it.
 */
export class ServiceFaults {
  readonly #broken = new Set<Service>();

  /** SIGKILL: no clean shutdown, the service recovers from its files on start. */
  async kill(service: Service): Promise<void> {
    this.#broken.add(service);
    await services('kill', service);
  }

  /** Graceful stop (Redis flushes its AOF, MariaDB shuts down cleanly). */
  async stop(service: Service): Promise<void> {
    this.#broken.add(service);
    await services('stop', service);
  }

  async start(service: Service): Promise<void> {
    await services('start', service);
    this.#broken.delete(service);
  }

  async restoreAll(): Promise<void> {
    for (const service of [...this.#broken]) await this.start(service);
  }
}
