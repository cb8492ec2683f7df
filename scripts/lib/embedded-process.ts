import { spawn, type ChildProcess } from 'node:child_process';
import { createServer } from 'node:net';

/** A free loopback port, found by letting the OS pick one. */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => resolve(typeof address === 'object' && address ? address.port : 0));
    });
  });
}

/** Polls `url` until it answers 200 or the deadline passes. */
export async function waitUntilReady(url: string, timeoutMs = 30_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      if ((await fetch(url)).ok) return;
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline) throw new Error(`${url} did not become ready in ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

export interface StartedProcess {
  readonly child: ChildProcess;
  readonly url: string;
  stop(signal?: NodeJS.Signals): Promise<number | null>;
}

/** The node arguments that run an entrypoint: a `.ts` source under tsx, a built `.js` as it is. */
export function nodeArgs(entry: string): string[] {
  return entry.endsWith('.ts') ? ['--import', 'tsx', entry] : [entry];
}

/**
 * Starts an entrypoint with the given environment: a source (src/bootstrap/main-*.ts) under tsx,
 * or a compiled one (dist/bootstrap/main-*.js) with plain node, from `cwd` when given.
 */
export async function startEntrypoint(
  entry: string,
  env: Record<string, string>,
  options: { port?: number; readyPath?: string; log?: (line: string) => void; cwd?: string } = {},
): Promise<StartedProcess> {
  const port = options.port ?? (await freePort());
  const child = spawn(process.execPath, nodeArgs(entry), {
    ...(options.cwd === undefined ? {} : { cwd: options.cwd }),
    // METRICS_PORT too: a consumer serves /metrics and /health there (it has no other port).
    env: {
      ...process.env,
      LOG_LEVEL: 'warn',
      ...env,
      PORT: String(port),
      METRICS_PORT: String(port),
      HOST: '127.0.0.1',
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  // The end of its output is kept: a process that dies before it is ready says why there.
  let tail = '';
  const forward = (chunk: Buffer) => {
    const text = chunk.toString();
    tail = (tail + text).slice(-4096);
    options.log?.(text);
  };
  child.stdout?.on('data', forward);
  child.stderr?.on('data', forward);
  const url = `http://127.0.0.1:${port}`;
  const exited = new Promise<number | null>((resolve) =>
    child.once('exit', (code) => resolve(code)),
  );
  if (options.readyPath !== undefined) {
    await Promise.race([
      waitUntilReady(url + options.readyPath),
      exited.then((code) => {
        const last = tail.trim().split('\n').at(-1)?.trim();
        throw new Error(
          `${entry} exited with ${code} before it was ready${last ? `: ${last}` : ''}`,
        );
      }),
    ]);
  }
  return {
    child,
    url,
    stop: async (signal = 'SIGTERM') => {
      if (child.exitCode === null && child.signalCode === null) child.kill(signal);
      return exited;
    },
  };
}
