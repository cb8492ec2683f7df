import { execFile } from 'node:child_process';
import { cp, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { Redis } from 'ioredis';

export type Service = 'redis' | 'redis-sentinel' | 'mariadb' | 'kafka';

const run = promisify(execFile);

/** `bash scripts/services.sh <action> <service>`; start waits until the service answers. */
async function services(action: 'start' | 'stop' | 'kill', service: Service): Promise<void> {
  await run('bash', ['scripts/services.sh', action, service], { timeout: 120_000 });
}

/** Where scripts/services.sh keeps the standalone Redis' files (its AOF under appendonlydir/). */
const REDIS_DIR = join(process.env['SERVICES_DIR'] ?? '/var/tmp/coupon-services', 'redis');
const AOF = 'appendonlydir';

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

  /**
   * SIGKILLs the master the Sentinels of scripts/services.sh name; they promote the replica.
   * Returns the killed master's address. `start('redis-sentinel')` brings it back as a replica.
   */
  async killSentinelMaster(sentinel: Redis, name: string): Promise<string> {
    this.#broken.add('redis-sentinel');
    const [host, port] = (await sentinel.call('SENTINEL', 'GET-MASTER-ADDR-BY-NAME', name)) as [
      string,
      string,
    ];
    const master = new Redis({ host, port: Number(port), lazyConnect: true });
    try {
      await master.connect();
      const info = await master.info('server');
      const pid = Number(/^process_id:(\d+)/m.exec(info)?.[1]);
      if (!Number.isInteger(pid) || pid <= 0) throw new Error(`no process_id from ${host}:${port}`);
      process.kill(pid, 'SIGKILL');
    } finally {
      master.disconnect();
    }
    return `${host}:${port}`;
  }

  async start(service: Service): Promise<void> {
    await services('start', service);
    this.#broken.delete(service);
  }

  /**
   * A copy of the Redis' data as it is now: a graceful stop (every write in the AOF), a copy of
   * the AOF, a start. Like a backup, or a replica that stops receiving writes here.
   */
  async snapshotRedis(): Promise<string> {
    await this.stop('redis');
    const folder = await mkdtemp(join(tmpdir(), 'redis-snapshot-'));
    await cp(join(REDIS_DIR, AOF), join(folder, AOF), { recursive: true });
    await this.start('redis');
    return folder;
  }

  /**
   * Redis comes back OLDER than it was: stopped, its AOF replaced by `snapshot`, started. What a
   * failover to a lagging replica, a restored backup or a crash under everysec look like.
   */
  async restartRedisFrom(snapshot: string): Promise<void> {
    await this.stop('redis');
    await rm(join(REDIS_DIR, AOF), { recursive: true, force: true });
    await cp(join(snapshot, AOF), join(REDIS_DIR, AOF), { recursive: true });
    await this.start('redis');
    await rm(snapshot, { recursive: true, force: true });
  }

  async restoreAll(): Promise<void> {
    for (const service of [...this.#broken]) await this.start(service);
  }
}
