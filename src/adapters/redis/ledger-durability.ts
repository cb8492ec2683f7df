import type { Logger } from '../../application/ports/logger.port.ts';
import { Cluster, type Redis } from 'ioredis';
import type { RedisConnection } from './redis-client.ts';

/** What one ledger server says about how it keeps a grant. */
export interface ServerDurability {
  readonly server: string;
  /** `always` | `everysec` | `no`, or `off` without an AOF; undefined where CONFIG is refused. */
  readonly fsync: string | undefined;
  readonly replicas: number | undefined;
  /** The server's clock minus this host's (`TIME`, halfway through the round trip), in ms. */
  readonly clockSkewMs: number | undefined;
}

/**
 * Windows are judged on the API host's clock (README, Decisions), so a host whose clock is this
 * far from the ledger's is reported at boot.
 */
export const MAX_CLOCK_SKEW_MS = 500;

/** Wanted at boot: every answered grant survives a crash of the ledger's machine. */
export interface DurabilityWanted {
  readonly fsync: 'always';
  readonly minReplicas: number;
}

/**
 * Reads each master's AOF policy (`CONFIG GET`) and connected replicas (`INFO replication`).
 * Managed Redis services often disable CONFIG: that server's fsync is then reported unknown, not
 * guessed, and the caller says it could not check.
 */
export async function readLedgerDurability(redis: RedisConnection): Promise<ServerDurability[]> {
  const servers: Redis[] = redis instanceof Cluster ? redis.nodes('master') : [redis];
  return Promise.all(servers.map(readServer));
}

/** One line per shortfall against `wanted`; empty when the ledger is as durable as configured. */
export function durabilityShortfalls(
  servers: readonly ServerDurability[],
  wanted: DurabilityWanted,
): string[] {
  const lines: string[] = [];
  for (const { server, fsync, replicas, clockSkewMs } of servers) {
    if (clockSkewMs !== undefined && Math.abs(clockSkewMs) > MAX_CLOCK_SKEW_MS) {
      lines.push(
        `${server}: its clock is ${clockSkewMs} ms from this host's: campaign windows open and close by this host's clock`,
      );
    }
    if (fsync === undefined) {
      lines.push(
        `${server}: CONFIG GET is refused, so appendfsync cannot be checked; make sure it runs appendonly yes, appendfsync always`,
      );
    } else if (fsync !== wanted.fsync) {
      lines.push(
        `${server}: appendfsync is ${fsync}, not always: a crash of that machine can lose grants already answered 201`,
      );
    }
    if (replicas !== undefined && replicas < wanted.minReplicas) {
      lines.push(
        `${server}: ${replicas} replica(s) connected, LEDGER_MIN_REPLICAS=${wanted.minReplicas}: grants answer 503 LEDGER_NOT_REPLICATED until enough replicas are in sync`,
      );
    }
  }
  return lines;
}

async function readServer(server: Redis): Promise<ServerDurability> {
  const name = `${server.options.host ?? '?'}:${server.options.port ?? '?'}`;
  const [fsync, replicas, clockSkewMs] = await Promise.all([
    aofPolicy(server).catch(() => undefined),
    connectedReplicas(server),
    clockSkew(server).catch(() => undefined),
  ]);
  return { server: name, fsync, replicas, clockSkewMs };
}

async function clockSkew(server: Redis): Promise<number> {
  const sent = Date.now();
  const [seconds, micros] = await server.time();
  const received = Date.now();
  return Math.round(Number(seconds) * 1000 + Number(micros) / 1000 - (sent + received) / 2);
}

async function aofPolicy(server: Redis): Promise<string> {
  const [appendonly, appendfsync] = await Promise.all([
    configValue(server, 'appendonly'),
    configValue(server, 'appendfsync'),
  ]);
  return appendonly === 'yes' ? appendfsync : 'off';
}

async function configValue(server: Redis, name: string): Promise<string> {
  const reply = (await server.call('CONFIG', 'GET', name)) as string[];
  const value = reply[1];
  if (value === undefined) throw new Error(`CONFIG GET ${name} answered nothing`);
  return value;
}

async function connectedReplicas(server: Redis): Promise<number | undefined> {
  const info = await server.info('replication').catch(() => '');
  const match = /^connected_slaves:(\d+)/m.exec(info);
  return match?.[1] === undefined ? undefined : Number(match[1]);
}

/** One line at boot: how durable a grant is, and what falls short of `wanted`. */
export async function reportLedgerDurability(
  redis: RedisConnection,
  wanted: DurabilityWanted,
  logger: Logger,
): Promise<void> {
  const servers = await readLedgerDurability(redis);
  const shortfalls = durabilityShortfalls(servers, wanted);
  if (shortfalls.length === 0) {
    logger.info({ servers, wanted }, 'ledger durability: as configured');
  } else {
    logger.warn(
      { servers, wanted },
      `ledger is less durable than configured: ${shortfalls.join('; ')}`,
    );
  }
}
