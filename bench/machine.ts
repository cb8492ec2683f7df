import { execFileSync } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { cpus, totalmem } from 'node:os';
import type { BenchEnvironment } from './bench-environment.ts';
import { findPid } from './process-cpu.ts';

export interface Machine {
  readonly cores: number;
  readonly cpu: string;
  readonly memoryGb: number;
  readonly node: string;
  readonly redis: string;
  readonly mariadb: string;
  readonly kafka: string;
}

/** Cores and the versions of everything in the path, as reported by the running services. */
export async function describeMachine(environment: BenchEnvironment): Promise<Machine> {
  const info = await environment.redis.info('server');
  const [rows] = await environment.mysql.query('select version() as v');
  return {
    cores: cpus().length,
    cpu: cpus()[0]?.model ?? 'unknown',
    memoryGb: Math.round(totalmem() / 2 ** 30),
    node: process.version,
    redis: /redis_version:(\S+)/.exec(info)?.[1] ?? 'unknown',
    mariadb: String((rows as { v: string }[])[0]?.v ?? 'unknown'),
    kafka: kafkaVersion(),
  };
}

/** The broker's version, from the kafka_<scala>-<version>.jar on its class path. */
function kafkaVersion(): string {
  const pid = findPid(/\bkafka\.Kafka\b/);
  if (pid === undefined) return 'unknown';
  const commandLine = readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0');
  const classPath = commandLine[commandLine.indexOf('-cp') + 1] ?? '';
  for (const entry of classPath.split(':')) {
    const dir = entry.replace(/\/\*$/, '');
    try {
      const jar = readdirSync(dir).find((file) => /^kafka_[\d.]+-[\d.]+\.jar$/.test(file));
      if (jar) return /-([\d.]+)\.jar$/.exec(jar)?.[1] ?? 'unknown';
    } catch {
      // not a directory
    }
  }
  return 'unknown';
}

/** The commit measured, and whether src/ had uncommitted changes (figures then need a note). */
export function sourceRevision(): { readonly commit: string; readonly srcModified: boolean } {
  try {
    const commit = execFileSync('git', ['rev-parse', '--short', 'HEAD']).toString().trim();
    const status = execFileSync('git', ['status', '--porcelain', '--', 'src']).toString().trim();
    return { commit, srcModified: status !== '' };
  } catch {
    return { commit: 'unknown', srcModified: false };
  }
}
