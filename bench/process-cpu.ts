import { execFileSync } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';

const TICKS_PER_SECOND = Number(execFileSync('getconf', ['CLK_TCK']).toString().trim()) || 100;

/** CPU seconds (user + system) a process has used so far, from /proc/<pid>/stat; 0 if gone. */
export function cpuSecondsOf(pid: number): number {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // Fields after the command name (which may hold spaces) start at state (field 3).
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return (Number(fields[11]) + Number(fields[12])) / TICKS_PER_SECOND;
  } catch {
    return 0;
  }
}

/** CPU seconds the whole machine has been busy (all cores, from /proc/stat). */
function machineBusySeconds(): number {
  const fields =
    readFileSync('/proc/stat', 'utf8')
      .split('\n', 1)[0]
      ?.trim()
      .split(/\s+/)
      .slice(1)
      .map(Number) ?? [];
  const total = fields.reduce((sum, n) => sum + n, 0);
  const idle = (fields[3] ?? 0) + (fields[4] ?? 0); // idle + iowait
  return (total - idle) / TICKS_PER_SECOND;
}

/** The pid of the first process whose command line matches, e.g. the Redis server on 6379. */
export function findPid(pattern: RegExp): number | undefined {
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const commandLine = readFileSync(`/proc/${entry}/cmdline`, 'utf8').replaceAll('\0', ' ');
      if (pattern.test(commandLine)) return Number(entry);
    } catch {
      // exited while we looked
    }
  }
  return undefined;
}

/** The backing services' processes, whose CPU is reported next to the variants'. */
export function servicePids(): Record<string, number> {
  const found: Record<string, number | undefined> = {
    redis: findPid(/^redis-server \S*:6379\b/),
    mariadb: findPid(/^mariadbd\b/),
    kafka: findPid(/\bkafka\.Kafka\b/),
  };
  return Object.fromEntries(
    Object.entries(found).filter((e): e is [string, number] => e[1] !== undefined),
  );
}

/**
 * Measures the CPU each named process uses from now until `stop()`, as a percentage of one core
 * (200% = both cores of this machine). `loadgen` is this process (the load generator, measured
 * with process.cpuUsage()); `machine` is the whole machine, so `machine` minus the rest is what
 * other processes (concurrent test suites, …) took during the measurement.
 */
export function cpuMeter(pids: Record<string, number>): { stop(): Record<string, number> } {
  const startedAt = process.hrtime.bigint();
  const selfAtStart = process.cpuUsage();
  const atStart = Object.fromEntries(
    Object.entries(pids).map(([name, pid]) => [name, cpuSecondsOf(pid)]),
  );
  const machineAtStart = machineBusySeconds();
  return {
    stop() {
      const wallSeconds = Number(process.hrtime.bigint() - startedAt) / 1e9;
      const self = process.cpuUsage(selfAtStart);
      const percent = (seconds: number) => Math.round((seconds / wallSeconds) * 1000) / 10;
      const usage: Record<string, number> = { loadgen: percent((self.user + self.system) / 1e6) };
      for (const [name, pid] of Object.entries(pids)) {
        // A process that restarted meanwhile has a new pid: report 0 (the run is flagged anyway).
        usage[name] = Math.max(0, percent(cpuSecondsOf(pid) - (atStart[name] ?? 0)));
      }
      usage['machine'] = percent(machineBusySeconds() - machineAtStart);
      return usage;
    },
  };
}

/** What processes other than the measured ones used: `machine` minus the rest, % of one core. */
export function otherCpuPercent(usage: Record<string, number>): number {
  const measured = Object.entries(usage)
    .filter(([name]) => name !== 'machine')
    .reduce((sum, [, value]) => sum + value, 0);
  return Math.max(0, Math.round((usage['machine'] ?? 0) - measured));
}
