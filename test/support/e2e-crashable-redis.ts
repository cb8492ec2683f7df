import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { mkdtemp, readFile, rm, stat, truncate } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { Redis } from 'ioredis';
import { freePort } from '../../scripts/lib/embedded-process.ts';
import { waitFor } from './e2e-wait.ts';

const run = promisify(execFile);
const SHIM_SOURCE = join(import.meta.dirname, '..', 'faults', 'crash', 'fsync-log.c');

export interface CrashReport {
  /** fsync()/fdatasync() calls the shim saw: proof the crash view was recorded at all. */
  readonly fsyncs: number;
  /** Bytes written but never fsynced, cut away as a power loss would. */
  readonly cutBytes: number;
}

/**
 * A Redis of its own (own port and folder, `appendfsync always`, no AOF rewrite), run under the
 * fsync-log shim (test/faults/crash/fsync-log.c), so that `crash()` can leave on disk exactly what
 * a machine that lost power would: what Redis had fsynced, and nothing it had only written.
 */
export class CrashableRedis {
  #pid = 0;
  #dir = '';

  private constructor(readonly port: number) {}

  /** Its address is known at once (the processes' environment); `start` runs it. */
  static async on(port?: number): Promise<CrashableRedis> {
    return new CrashableRedis(port ?? (await freePort()));
  }

  /** Builds the shim and starts Redis in a new folder. */
  async start(): Promise<void> {
    this.#dir = await mkdtemp(join(tmpdir(), 'crashable-redis-'));
    await run('gcc', ['-shared', '-fPIC', '-O2', '-o', this.shim, SHIM_SOURCE, '-ldl']);
    await this.launch();
  }

  private get dir(): string {
    return this.#dir;
  }

  private get shim(): string {
    return join(this.#dir, 'fsync-log.so');
  }

  get url(): string {
    return `redis://127.0.0.1:${this.port}`;
  }

  private get fsyncLog(): string {
    return join(this.dir, 'fsync.log');
  }

  /** Starts (again, from the same folder) and waits until it answers PING (after its AOF replay). */
  async launch(): Promise<void> {
    // prettier-ignore
    const args = [
      '--port', String(this.port), '--bind', '127.0.0.1', '--daemonize', 'yes',
      '--dir', this.dir, '--pidfile', join(this.dir, 'redis.pid'),
      '--logfile', join(this.dir, 'redis.log'), '--save', '',
      '--appendonly', 'yes', '--appendfsync', 'always',
      // A rewrite renames files the shim saw under their temporary names: none during the test.
      '--auto-aof-rewrite-percentage', '0',
    ];
    await run('redis-server', args, {
      env: { ...process.env, LD_PRELOAD: this.shim, FSYNC_LOG: this.fsyncLog },
    });
    const probe = new Redis(this.url, { lazyConnect: true, maxRetriesPerRequest: 0 });
    probe.on('error', () => undefined);
    try {
      await waitFor(`crashable redis on ${this.port}`, async () =>
        (await probe.ping().catch(() => undefined)) === 'PONG' ? true : undefined,
      );
    } finally {
      probe.disconnect();
    }
    this.#pid = Number((await readFile(join(this.dir, 'redis.pid'), 'utf8')).trim());
  }

  /**
   * A power cut: SIGKILL (no more writes, no more replies), then every file the shim saw fsynced
   * is cut back to its size at its last fsync. Written-but-not-fsynced bytes are what a machine
   * loses with its page cache; keeping none of them is the worst case a crash can leave.
   */
  async crash(): Promise<CrashReport> {
    process.kill(this.#pid, 'SIGKILL');
    await waitFor('the killed redis to exit', async () => (alive(this.#pid) ? undefined : true));
    const synced = new Map<string, number>();
    const lines = (await readFile(this.fsyncLog, 'utf8')).split('\n').filter(Boolean);
    for (const line of lines) {
      const at = line.lastIndexOf(' ');
      synced.set(line.slice(0, at), Number(line.slice(at + 1)));
    }
    let cutBytes = 0;
    for (const [file, size] of synced) {
      const now = await stat(file).catch(() => undefined);
      if (!now || now.size <= size) continue; // renamed away, or nothing after its last fsync
      cutBytes += now.size - size;
      await truncate(file, size);
    }
    return { fsyncs: lines.length, cutBytes };
  }

  /** SIGSTOP: the server neither answers nor fails; connections stay open (a long GC, a VM paused). */
  freeze(): void {
    process.kill(this.#pid, 'SIGSTOP');
  }

  /** SIGCONT: it answers again, with every command it had queued. */
  thaw(): void {
    process.kill(this.#pid, 'SIGCONT');
  }

  async close(): Promise<void> {
    if (this.#pid > 0 && alive(this.#pid)) process.kill(this.#pid, 'SIGCONT');
    if (this.#pid > 0 && alive(this.#pid)) process.kill(this.#pid, 'SIGKILL');
    if (this.#dir !== '') await rm(this.#dir, { recursive: true, force: true });
  }
}

/** Alive and not a zombie (a daemon is not our child: whoever adopted it reaps it, or not). */
function alive(pid: number): boolean {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3) !== 'Z';
  } catch {
    return false;
  }
}
