/** A concurrent burst of real HTTP applications, and what came back. */
export interface StampedeResult {
  readonly byStatus: Map<number, number>;
  readonly byCode: Map<string, number>;
  /** userId → sequence for every 201. */
  readonly winners: Map<string, number>;
  /** Requests that got no HTTP answer at all (connection refused, reset…). */
  readonly transportErrors: number;
  readonly requests: number;
}

export interface StampedeOptions {
  readonly baseUrl: string;
  readonly campaignId: string;
  /** The user of each request, in firing order; repeats model users who click twice. */
  readonly users: readonly string[];
  /** Requests in flight at once. */
  readonly concurrency: number;
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

export async function stampede(options: StampedeOptions): Promise<StampedeResult> {
  const byStatus = new Map<number, number>();
  const byCode = new Map<string, number>();
  const winners = new Map<string, number>();
  let transportErrors = 0;
  let next = 0;
  const url = `${options.baseUrl}/campaigns/${options.campaignId}/issuances`;
  const worker = async () => {
    for (let i = next++; i < options.users.length; i = next++) {
      const userId = options.users[i]!;
      try {
        const response = await fetch(url, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify({ userId }),
        });
        const body = (await response.json()) as { sequence?: number; error?: { code?: string } };
        byStatus.set(response.status, (byStatus.get(response.status) ?? 0) + 1);
        const code =
          response.status === 201 ? 'ISSUED' : (body.error?.code ?? String(response.status));
        byCode.set(code, (byCode.get(code) ?? 0) + 1);
        if (response.status === 201) {
          if (winners.has(userId)) throw new Error(`G2 broken: ${userId} was issued twice`);
          winners.set(userId, body.sequence ?? -1);
        }
        options.onAnswer?.(response.status);
      } catch (error) {
        if (error instanceof Error && error.message.startsWith('G2')) throw error;
        transportErrors += 1;
      }
    }
  };
  await Promise.all(Array.from({ length: options.concurrency }, worker));
  return { byStatus, byCode, winners, transportErrors, requests: options.users.length };
}
