import { readFileSync } from 'node:fs';
import type { RedisConnection } from './redis-client.ts';

/** A registered script: call it with its keys then its arguments; the reply is left untyped. */
export type ScriptCall = (...keysThenArgs: (string | number)[]) => Promise<unknown>;

export interface ScriptSource {
  readonly command: string;
  /** The script's file, relative to this module (`sharded/…` for the sub-ledgers' scripts). */
  readonly file: string;
  /** 'given': the call passes how many of its arguments are keys, first (a variable number). */
  readonly numberOfKeys: number | 'given';
  readonly readOnly?: boolean;
}

/**
 * A source in one line: the ioredis command name, the file, how many of its arguments are keys,
 * and 'read-only' for a script that writes nothing.
 */
export function script(
  command: string,
  file: string,
  numberOfKeys: number | 'given',
  access?: 'read-only',
): ScriptSource {
  return { command, file, numberOfKeys, ...(access === 'read-only' ? { readOnly: true } : {}) };
}

export const RESERVE = script('couponReserve', 'reserve.lua', 10);
export const DEFINE = script('couponDefine', 'define.lua', 2);
export const RESTORE = script('couponRestore', 'restore.lua', 11);
export const REVOKE = script('couponRevoke', 'revoke.lua', 5);
export const FENCE = script('couponFence', 'fence.lua', 1);
export const TALLY = script('couponTally', 'tally.lua', 4, 'read-only');
export const FIND_COUPON = script('couponFindCoupon', 'find-coupon.lua', 6, 'read-only');
export const LEDGER_VERSION = script('couponLedgerVersion', 'ledger-version.lua', 2, 'read-only');
export const SETTLED_SNAPSHOT = script(
  'couponSettledSnapshot',
  'settled-snapshot.lua',
  5,
  'read-only',
);
export const PERSISTED_READ = script('couponPersistedRead', 'persisted-read.lua', 2, 'read-only');
export const PERSISTED_SEED = script('couponPersistedSeed', 'persisted-seed.lua', 1);
/** Three keys per campaign, as many campaigns as a call asks for (see issued-counts.lua). */
export const ISSUED_COUNTS = script(
  'couponIssuedCounts',
  'issued-counts.lua',
  'given',
  'read-only',
);
export const ACKNOWLEDGE = script('couponAcknowledge', 'acknowledge.lua', 1);
export const MARK_ACTIVE = script('couponMarkActive', 'mark-active.lua', 1);
export const ACTIVE_STREAMS = script('couponActiveStreams', 'active-streams.lua', 1, 'read-only');
export const AUDIT_SNAPSHOT = script('couponAuditSnapshot', 'audit-snapshot.lua', 7, 'read-only');
export const AUDIT_CHANGES = script('couponAuditChanges', 'audit-changes.lua', 1, 'read-only');
export const AUDIT_REEMIT = script('couponAuditReemit', 'audit-reemit.lua', 5);
export const FORGET_IF_QUIET = script('couponForgetIfQuiet', 'forget-if-quiet.lua', 1);

const sources = new Map<string, string>();

/** A `.lua` file beside this module, read once. */
function read(file: string): string {
  let lua = sources.get(file);
  if (lua === undefined) {
    lua = readFileSync(new URL(`./${file}`, import.meta.url), 'utf8');
    sources.set(file, lua);
  }
  return lua;
}

/**
 * A script's first line may name the chunks it needs, in order: `--! prelude: ledger-run decide`
 * stands for ledger-run.lua then decide.lua, files beside this module, each defining local
 * functions. A rule the plain and the sharded scripts share is written once that way (decide.lua
 * is the decision table of both reserves). A chunk has no prelude of its own.
 */
const PRELUDE = /^--! prelude:(.*)/;

/** The script's text: the chunks its prelude line names, then the script itself. */
function luaOf(source: ScriptSource): string {
  const lua = read(source.file);
  const chunks: readonly string[] = PRELUDE.exec(lua)?.[1]?.match(/\S+/g) ?? [];
  return [...chunks.map((chunk) => read(`${chunk}.lua`)), lua].join('\n');
}

/**
 * Registers a script with ioredis `defineCommand`, which sends EVALSHA and falls back to EVAL
 * by itself when the server does not know the script (after SCRIPT FLUSH, a restart or a
 * failover): nothing to load at boot, nothing to re-load after Redis comes back. Works the same
 * on a Cluster, where each node learns the script on first use.
 */
export function registerScript(redis: RedisConnection, source: ScriptSource): ScriptCall {
  redis.defineCommand(source.command, {
    lua: luaOf(source),
    ...(source.numberOfKeys === 'given' ? {} : { numberOfKeys: source.numberOfKeys }),
    ...(source.readOnly ? { readOnly: true } : {}),
  });
  // defineCommand adds a method at runtime that the static type cannot know about.
  const method: unknown = (redis as unknown as Record<string, unknown>)[source.command];
  if (typeof method !== 'function') {
    throw new Error(`ioredis did not define the ${source.command} command`);
  }
  const call = method as (...args: (string | number)[]) => Promise<unknown>;
  return (...keysThenArgs) => call.apply(redis, keysThenArgs);
}
