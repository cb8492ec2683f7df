import { readFileSync } from 'node:fs';
import type { RedisConnection } from './redis-client.ts';

/** A registered script: call it with its keys then its arguments; the reply is left untyped. */
export type ScriptCall = (...keysThenArgs: (string | number)[]) => Promise<unknown>;

interface ScriptSource {
  readonly command: string;
  readonly file: string;
  readonly numberOfKeys: number;
  readonly readOnly?: boolean;
  /** Prepend ledger-run.lua (`current_run()`, the fence against a ledger gone back in time). */
  readonly fenced?: boolean;
}

/** The shared chunk prepended to every script that decides or restores. */
const LEDGER_RUN = 'ledger-run.lua';

export const RESERVE: ScriptSource = {
  command: 'couponReserve',
  file: 'reserve.lua',
  numberOfKeys: 5,
  fenced: true,
};
export const FIND_GRANT: ScriptSource = {
  command: 'couponFindGrant',
  file: 'find-grant.lua',
  numberOfKeys: 2,
  readOnly: true,
  fenced: true,
};
export const DEFINE: ScriptSource = {
  command: 'couponDefine',
  file: 'define.lua',
  numberOfKeys: 1,
  fenced: true,
};
export const RESTORE: ScriptSource = {
  command: 'couponRestore',
  file: 'restore.lua',
  numberOfKeys: 5,
  fenced: true,
};
export const FENCE: ScriptSource = {
  command: 'couponFence',
  file: 'fence.lua',
  numberOfKeys: 1,
};
export const ISSUED_COUNT: ScriptSource = {
  command: 'couponIssuedCount',
  file: 'issued-count.lua',
  numberOfKeys: 2,
  readOnly: true,
};
export const FIND_COUPON: ScriptSource = {
  command: 'couponFindCoupon',
  file: 'find-coupon.lua',
  numberOfKeys: 3,
  readOnly: true,
  fenced: true,
};
export const LEDGER_VERSION: ScriptSource = {
  command: 'couponLedgerVersion',
  file: 'ledger-version.lua',
  numberOfKeys: 4,
  readOnly: true,
  fenced: true,
};
export const PERSISTED_READ: ScriptSource = {
  command: 'couponPersistedRead',
  file: 'persisted-read.lua',
  numberOfKeys: 2,
  readOnly: true,
  fenced: true,
};
export const PERSISTED_SEED: ScriptSource = {
  command: 'couponPersistedSeed',
  file: 'persisted-seed.lua',
  numberOfKeys: 1,
  fenced: true,
};
export const ACKNOWLEDGE: ScriptSource = {
  command: 'couponAcknowledge',
  file: 'acknowledge.lua',
  numberOfKeys: 1,
};

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

/** The script's text: its file, behind the shared ledger-run.lua chunk when it is fenced. */
function luaOf(source: ScriptSource): string {
  return source.fenced ? `${read(LEDGER_RUN)}\n${read(source.file)}` : read(source.file);
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
    numberOfKeys: source.numberOfKeys,
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
