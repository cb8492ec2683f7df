import { Agent as HttpAgent, request as httpRequest } from 'node:http';
import { Agent as HttpsAgent, request as httpsRequest } from 'node:https';

/** A concurrent burst of real HTTP applications, and what came back. */
export interface StampedeResult {
  readonly byStatus: Map<number, number>;
  readonly byCode: Map<string, number>;
  /** userId → sequence for every 201. */
  readonly winners: Map<string, number>;
  /** Requests that got no HTTP answer at all (connection refused, reset…). */
  readonly transportErrors: number;
  readonly requests: number;
  /** From the first request sent to the last answer read (ms). */
  readonly elapsedMs: number;
  /** CPU this process (the client) spent meanwhile, user + system (ms). */
  readonly clientCpuMs: number;
}

export interface StampedeOptions {
  readonly baseUrl: string;
  readonly campaignId: string;
  /** The user of each request, in firing order; repeats model users who click twice. */
  readonly users: readonly string[];
  /** Requests in flight at once (one keep-alive connection each). */
  readonly concurrency: number;
  /** The X-Proof-Of-Work header of each request, by index in `users` (a gated campaign's). */
  readonly proofs?: readonly string[];
  readonly onAnswer?: (status: number) => void;
}

/** `count` requests from `distinct` users: every user once, then random repeats. */
export function usersWithRepeats(count: number, distinct: number, prefix: string): string[] {
  const users = Array.from({ length: count }, (_, i) => `${prefix}-${i % distinct}`);
  for (let i = users.length - 1; i > 0; i--) {
    const j = Math.floor(Math.random() * (i + 1));
    [users[i], users[j]] = [users[j]!, users[i]!];
  }
  return users;
}

interface Answer {
  readonly status: number;
  readonly body: string;
}

/**
 * Fires the requests over `node:http` with one keep-alive connection per worker. Not `fetch`:
 * undici's Web streams, `Request`/`Response` objects and their garbage cost the client about
 * twice the CPU the service spends answering (measured with --cpu-prof), so on a small machine
 * the demo measured its own client more than the service.
 */
export async function stampede(options: StampedeOptions): Promise<StampedeResult> {
  const byStatus = new Map<number, number>();
  const byCode = new Map<string, number>();
  const winners = new Map<string, number>();
  let transportErrors = 0;
  let next = 0;
  const url = new URL(`${options.baseUrl}/campaigns/${options.campaignId}/issuances`);
  const https = url.protocol === 'https:';
  const agent = https
    ? new HttpsAgent({ keepAlive: true, maxSockets: options.concurrency })
    : new HttpAgent({ keepAlive: true, maxSockets: options.concurrency });
  const request = https ? httpsRequest : httpRequest;

  const post = (body: string, proof: string | undefined) =>
    new Promise<Answer>((resolve, reject) => {
      const req = request(
        url,
        {
          method: 'POST',
          agent,
          headers: {
            'content-type': 'application/json',
            'content-length': Buffer.byteLength(body),
            ...(proof === undefined ? {} : { 'x-proof-of-work': proof }),
          },
        },
        (res) => {
          const chunks: Buffer[] = [];
          res.on('data', (chunk: Buffer) => chunks.push(chunk));
          res.once('end', () =>
            resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString('utf8') }),
          );
          res.once('error', reject);
        },
      );
      req.once('error', reject);
      req.end(body);
    });

  const worker = async () => {
    for (let i = next++; i < options.users.length; i = next++) {
      const userId = options.users[i]!;
      let answer: Answer;
      try {
        answer = await post(JSON.stringify({ userId }), options.proofs?.[i]);
      } catch {
        transportErrors += 1;
        continue;
      }
      const { status } = answer;
      let body: { sequence?: number; error?: { code?: string } } = {};
      try {
        body = JSON.parse(answer.body) as typeof body;
      } catch {
        // Not JSON (a proxy's error page): counted under its status.
      }
      byStatus.set(status, (byStatus.get(status) ?? 0) + 1);
      const code = status === 201 ? 'ISSUED' : (body.error?.code ?? String(status));
      byCode.set(code, (byCode.get(code) ?? 0) + 1);
      if (status === 201) {
        if (winners.has(userId)) throw new Error(`G2 broken: ${userId} was issued twice`);
        winners.set(userId, body.sequence ?? -1);
      }
      options.onAnswer?.(status);
    }
  };

  const cpuBefore = process.cpuUsage();
  const started = performance.now();
  try {
    await Promise.all(Array.from({ length: options.concurrency }, worker));
  } finally {
    agent.destroy();
  }
  const elapsedMs = performance.now() - started;
  const cpu = process.cpuUsage(cpuBefore);
  return {
    byStatus,
    byCode,
    winners,
    transportErrors,
    requests: options.users.length,
    elapsedMs,
    clientCpuMs: (cpu.user + cpu.system) / 1000,
  };
}
