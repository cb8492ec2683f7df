import { Cluster, Redis } from 'ioredis';

/** What the Redis adapters accept: one server or a cluster (every campaign's keys share a slot). */
export type RedisConnection = Redis | Cluster;

/** A TCP connect that has not completed by then is abandoned (and retried in the background). */
const CONNECT_TIMEOUT_MS = 500;
/**
 * A command without a reply by then is rejected. The apply path must answer 503 quickly rather
 * than hang behind a stuck server; the price is that a timed-out reserve may still have been
 * applied by Redis (the user then gets ALREADY_ISSUED on retry, never a second coupon).
 */
const COMMAND_TIMEOUT_MS = 500;
/** Reconnect backoff: 100 ms, 200 ms, … capped so a Redis that comes back is used within ~2 s. */
const MAX_RECONNECT_DELAY_MS = 2000;
const DEFAULT_READY_TIMEOUT_MS = 5000;

export const reconnectDelay = (attempt: number): number =>
  Math.min(50 * 2 ** Math.min(attempt, 10), MAX_RECONNECT_DELAY_MS);

export interface RedisClientOptions {
  /** Connection-level errors (refused, reset, timeouts). Commands fail on their own as well. */
  readonly onError?: (error: Error) => void;
  readonly commandTimeoutMs?: number;
  readonly connectTimeoutMs?: number;
}

/**
 * A client that fails fast and heals itself:
 * - `enableOfflineQueue: false`: while the connection is not ready every command is rejected at
 *   once instead of waiting in a queue for a server that may never come back (fail closed: the
 *   API answers 503 in microseconds, not after the queue drains or times out);
 * - `maxRetriesPerRequest: 0` and `autoResendUnfulfilledCommands: false`: a command in flight
 *   when the connection drops is rejected, never silently re-sent after reconnecting (a reserve
 *   the caller already answered 503 for must not run later behind its back);
 * - `retryStrategy` keeps reconnecting in the background with capped backoff, so the service
 *   recovers by itself when Redis returns;
 * - `lazyConnect`: nothing happens until `connectRedis` (boot decides when and how long to wait);
 * - `enableAutoPipelining`: concurrent commands share one write, which is what makes thousands of
 *   concurrent reserve scripts cheap;
 * - `protocol: 2`: ioredis 6 speaks RESP3 by default, where a raw `call('XREADGROUP', …)` answers
 *   a map (flattened to `[stream, entries]`) instead of RESP2's `[[stream, entries]]`. The stream
 *   parsers and script replies here are written against RESP2, and nothing in this service needs
 *   RESP3's push messages, so the wire format is pinned rather than left to a client default.
 */
export function createRedisClient(url: string, options: RedisClientOptions = {}): Redis {
  const client = new Redis(url, failFast(options));
  listenForErrors(client, options);
  return client;
}

/** The settings described above, shared by the one-server and the Sentinel clients. */
function failFast(options: RedisClientOptions) {
  return {
    protocol: 2,
    lazyConnect: true,
    enableAutoPipelining: true,
    enableOfflineQueue: false,
    maxRetriesPerRequest: 0,
    autoResendUnfulfilledCommands: false,
    connectTimeout: options.connectTimeoutMs ?? CONNECT_TIMEOUT_MS,
    commandTimeout: options.commandTimeoutMs ?? COMMAND_TIMEOUT_MS,
    retryStrategy: reconnectDelay,
  } as const;
}

/**
 * A client of the master that the Sentinels at `sentinels` (`host:port,…`) name `name`, with the
 * same fail-fast behaviour. ioredis asks the Sentinels for the master on every (re)connect and
 * checks the server's ROLE, and `failoverDetector` subscribes to `+switch-master` so a promotion is
 * followed at once instead of at the next connection error. While no master answers, commands
 * fail at once (503), as with one server that is down.
 */
export function createRedisSentinelClient(
  sentinels: string,
  name: string,
  options: RedisClientOptions = {},
): Redis {
  const client = new Redis({
    sentinels: parseNodes(sentinels),
    name,
    role: 'master',
    failoverDetector: true,
    sentinelRetryStrategy: reconnectDelay,
    ...failFast(options),
  });
  sentinelAddresses.set(client, `sentinels ${sentinels} (master ${name})`);
  listenForErrors(client, options);
  reviveAfterEnd(client);
  return client;
}

/** Clients being closed on purpose (closeRedis): the only ones allowed to stay ended. */
const closing = new WeakSet<RedisConnection>();

/** Closes a client for good (shutdown): QUIT, or a hard disconnect when that fails. */
export async function closeRedis(client: RedisConnection): Promise<void> {
  closing.add(client);
  await client.quit().then(
    () => undefined,
    () => client.disconnect(),
  );
}

/**
 * ioredis' Sentinel connector can end a client for good: when a failover notice (failoverDetector)
 * or a connection drop aborts a connect that is still asking the Sentinels, connect() fails with
 * "Connection is closed." and the client goes to `end` without a retry. Seen here in a failover
 * test: the API answered 503 for minutes while the new master was up. A client that ended without
 * closeRedis is connected again, with the usual backoff, so a failover always heals.
 */
function reviveAfterEnd(client: Redis): void {
  let attempt = 0;
  client.on('ready', () => {
    attempt = 0;
  });
  client.on('end', () => {
    if (closing.has(client)) return;
    setTimeout(() => {
      if (!closing.has(client) && client.status === 'end') client.connect().catch(() => undefined);
    }, reconnectDelay(++attempt)).unref();
  });
}

/**
 * A Redis Cluster client from `host:port,host:port,…` with the same fail-fast behaviour. The
 * cluster retries a command itself on failover/CLUSTERDOWN/TRYAGAIN; the delays and the number of
 * redirections are kept small so an unreachable cluster still fails well under a second.
 */
export function createRedisCluster(nodes: string, options: RedisClientOptions = {}): Cluster {
  const startupNodes = parseNodes(nodes);
  const cluster = new Cluster(startupNodes, {
    lazyConnect: true,
    enableAutoPipelining: true,
    // Auto-pipelining groups a cluster's commands by the node of their first key; ioredis finds
    // no key in XGROUP (its first argument is the subcommand), so concurrent XGROUPs on streams
    // of different slots would share one pipeline sent to one node: MOVED, and a failed define.
    autoPipeliningIgnoredCommands: ['xgroup'],
    enableOfflineQueue: false,
    clusterRetryStrategy: reconnectDelay,
    retryDelayOnFailover: 100,
    retryDelayOnClusterDown: 100,
    retryDelayOnTryAgain: 100,
    maxRedirections: 4,
    slotsRefreshTimeout: 1000,
    redisOptions: {
      protocol: 2,
      maxRetriesPerRequest: 0,
      autoResendUnfulfilledCommands: false,
      connectTimeout: options.connectTimeoutMs ?? CONNECT_TIMEOUT_MS,
      commandTimeout: options.commandTimeoutMs ?? COMMAND_TIMEOUT_MS,
    },
  });
  clusterAddresses.set(cluster, startupNodes.map((node) => `${node.host}:${node.port}`).join(','));
  listenForErrors(cluster, options);
  return cluster;
}

/**
 * Connects (when not yet connected) and waits until the client is ready, at most `timeoutMs`.
 * Fails with one clear line naming the address and the connection errors seen. On failure the
 * client keeps retrying in the background; call `disconnect()` to stop it.
 */
export async function connectRedis(
  client: RedisConnection,
  timeoutMs = DEFAULT_READY_TIMEOUT_MS,
): Promise<void> {
  if (client.status === 'ready') return;
  const where = describe(client);
  if (client.status === 'end') throw new Error(`Redis client for ${where} was already closed`);
  // Every distinct connection error seen while waiting: the first is usually the cause
  // (ECONNREFUSED, ETIMEDOUT, a protocol error from something that is not Redis).
  const reasons = new Set<string>();
  const onError = (error: Error) => {
    reasons.add(error.message);
  };
  client.on('error', onError);
  try {
    await new Promise<void>((resolve, reject) => {
      const onReady = () => {
        clearTimeout(timer);
        resolve();
      };
      const timer = setTimeout(() => {
        client.off('ready', onReady);
        const reason = reasons.size > 0 ? [...reasons].slice(0, 3).join('; ') : 'no answer';
        reject(new Error(`Redis at ${where} is not ready after ${timeoutMs} ms: ${reason}`));
      }, timeoutMs);
      client.once('ready', onReady);
      // connect() rejects on the first failed attempt, but retries go on in the background: the
      // timer above, not that first failure, decides when to give up.
      if (client.status === 'wait') client.connect().catch(() => undefined);
    });
  } finally {
    client.off('error', onError);
  }
}

function parseNodes(nodes: string): { host: string; port: number }[] {
  const parsed = nodes
    .split(',')
    .map((node) => node.trim())
    .filter((node) => node.length > 0)
    .map((node) => {
      const match = /^(.+):(\d{1,5})$/.exec(node);
      if (!match?.[1] || !match[2])
        throw new Error(`Redis cluster node must be host:port: ${node}`);
      return { host: match[1], port: Number(match[2]) };
    });
  if (parsed.length === 0) throw new Error('Redis cluster needs at least one host:port node');
  return parsed;
}

/** Addresses of the clusters made here, for error messages (ioredis keeps its own private). */
const clusterAddresses = new WeakMap<Cluster, string>();
const sentinelAddresses = new WeakMap<Redis, string>();

function describe(client: RedisConnection): string {
  if (client instanceof Cluster)
    return `cluster ${clusterAddresses.get(client) ?? '(unknown nodes)'}`;
  const sentinels = sentinelAddresses.get(client);
  if (sentinels) return sentinels;
  return `${client.options.host ?? '?'}:${client.options.port ?? '?'}`;
}

/**
 * ioredis prints every connection error of a client without an 'error' listener. Those errors
 * are expected while Redis is down (the client retries, and commands fail on their own with
 * LedgerUnavailableError), so they go to the caller's logger, or nowhere.
 */
function listenForErrors(client: RedisConnection, options: RedisClientOptions): void {
  client.on('error', (error: Error) => options.onError?.(error));
}

/** Where the ledger's Redis is: one server, a cluster, or the master some Sentinels name. */
export type RedisAddress =
  | { readonly url: string }
  | { readonly clusterNodes: string }
  | { readonly sentinels: string; readonly name: string };

/** A client of `address`, not yet connected (connectRedis connects it). */
export function createRedisConnection(address: RedisAddress): RedisConnection {
  if ('url' in address) return createRedisClient(address.url);
  if ('clusterNodes' in address) return createRedisCluster(address.clusterNodes);
  return createRedisSentinelClient(address.sentinels, address.name);
}
