import { spawn } from 'node:child_process';
import { freePort, waitUntilReady, type StartedProcess } from '../scripts/lib/embedded-process.ts';

export interface NodeProcessOptions {
  /** Extra Node flags, e.g. --cpu-prof (Node 20 refuses it in NODE_OPTIONS). */
  readonly execArgv?: readonly string[];
  /** Polled until it answers 200 before this resolves. */
  readonly readyPath?: string;
  readonly log?: (text: string) => void;
}

const running = new Set<StartedProcess>();

/** Stops every process started here that is still running (the harness was interrupted). */
export async function stopAllNodeProcesses(): Promise<void> {
  await Promise.all([...running].map((started) => started.stop()));
}

/**
 * Like scripts/lib/embedded-process.ts' startEntrypoint (a .ts entrypoint under tsx on a free
 * loopback port, PORT and HOST set), plus Node flags, which the profiling run needs.
 */
export async function startNodeProcess(
  entry: string,
  env: Record<string, string>,
  options: NodeProcessOptions = {},
): Promise<StartedProcess> {
  const port = await freePort();
  const child = spawn(process.execPath, [...(options.execArgv ?? []), '--import', 'tsx', entry], {
    env: { ...process.env, LOG_LEVEL: 'warn', ...env, PORT: String(port), HOST: '127.0.0.1' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const forward = (chunk: Buffer) => options.log?.(chunk.toString());
  child.stdout.on('data', forward);
  child.stderr.on('data', forward);
  const url = `http://127.0.0.1:${port}`;
  const exited = new Promise<number | null>((resolve) =>
    child.once('exit', (code) => resolve(code)),
  );
  const started: StartedProcess = {
    child,
    url,
    stop: async (signal = 'SIGTERM') => {
      if (child.exitCode === null && child.signalCode === null) child.kill(signal);
      return exited;
    },
  };
  running.add(started);
  void exited.then(() => running.delete(started));
  if (options.readyPath !== undefined) {
    await Promise.race([
      waitUntilReady(url + options.readyPath),
      exited.then((code) => {
        throw new Error(`${entry} exited with ${code} before it was ready`);
      }),
    ]);
  }
  return started;
}
