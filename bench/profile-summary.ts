/**
 * Summarises a V8 .cpuprofile (node --cpu-prof) from the first request on (boot excluded): self
 * time per function and per area (package, Node core module, folder of src/), as shares of the
 * busy (non-idle) time; and, given the CPU per request, microseconds per request by component.
 *   npx tsx bench/profile-summary.ts <file.cpuprofile> [top]
 */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

interface ProfileNode {
  readonly id: number;
  readonly callFrame: {
    readonly functionName: string;
    readonly url: string;
    readonly lineNumber: number;
  };
  readonly children?: readonly number[];
}
export interface CpuProfile {
  readonly nodes: readonly ProfileNode[];
  readonly samples: readonly number[];
  readonly timeDeltas: readonly number[];
}

const IDLE = '(idle)';

/** Where a function lives: a package, a Node core module, a folder of this repo, or V8 itself. */
function areaOf({ functionName, url }: ProfileNode['callFrame']): string {
  if (url === '') return functionName.startsWith('(') ? functionName : '(native)';
  const pkg = /\/node_modules\/((?:@[^/]+\/)?[^/]+)\//.exec(url);
  if (pkg?.[1]) return pkg[1];
  const core = /^node:(?:internal\/)?([^/]+)/.exec(url);
  if (core?.[1]) return `node:${core[1].replace(/\.js$/, '')}`;
  const own = /\/((?:src|bench|scripts)\/.*)\/[^/]+$/.exec(url);
  return own?.[1] ?? url;
}

function shortUrl(url: string): string {
  return url
    .replace(/^.*\/node_modules\//, '')
    .replace(/^file:\/\/.*?\/((?:src|bench|scripts)\/)/, '$1');
}

const frameName = (frame: ProfileNode['callFrame']) =>
  `${frame.functionName || '(anonymous)'}  ${shortUrl(frame.url)}${frame.url ? `:${frame.lineNumber + 1}` : ''}`;

/** Project code and packages (not Node internals or V8 pseudo-frames): what a change can target. */
const isOwnOrPackage = (frame: ProfileNode['callFrame']) =>
  frame.url !== '' && !frame.url.startsWith('node:');

/**
 * The components a request's CPU is reported by (docs/benchmarks.md, "µs per request"): each
 * area of `areaOf` belongs to the first component whose test matches it.
 */
const COMPONENTS: readonly (readonly [string, (area: string) => boolean])[] = [
  ['Node HTTP, sockets, streams', (a) => /^node:(_http|net|stream|streams|events|buffer)/.test(a)],
  ['hono + @hono/node-server', (a) => a === 'hono' || a === '@hono/node-server'],
  ['validation (zod, validators)', (a) => a === 'zod' || a.startsWith('@hono/zod')],
  ['Web Request/Headers (undici)', (a) => a === 'node:deps'],
  ['our HTTP adapter', (a) => a.startsWith('src/adapters/http') || a === 'bench/servers'],
  [
    'metrics (prom-client, ours)',
    (a) => a === 'prom-client' || a.startsWith('src/adapters/metrics'),
  ],
  ['logging (pino)', (a) => a.startsWith('pino')],
  [
    'use case + read decorators',
    (a) => a.startsWith('src/application') || a.startsWith('src/domain'),
  ],
  ['Redis client + adapter', (a) => a === 'ioredis' || a.startsWith('src/adapters/redis')],
  ['relay (kafkajs)', (a) => a === 'kafkajs' || a.startsWith('src/adapters/kafka')],
  ['GC', (a) => a === '(garbage collector)'],
  ['native, V8, timers, other', () => true],
];

/** Own time per sample node, counted only from the first request on (boot and module loading excluded). */
function servingSelfTime(
  profile: CpuProfile,
  byId: Map<number, ProfileNode>,
  parent: Map<number, number>,
) {
  const serving = (id: number) => {
    for (let at: number | undefined = id; at !== undefined; at = parent.get(at)) {
      if (byId.get(at)?.callFrame.url.includes('/hono/dist/hono-base.js')) return true;
    }
    return false;
  };
  const selfUs = new Map<number, number>();
  let started = false;
  // timeDeltas[i] is the time since the previous sample: it belongs to sample i - 1.
  for (let i = 0; i < profile.samples.length - 1; i++) {
    const id = profile.samples[i] ?? 0;
    started ||= serving(id);
    if (started) selfUs.set(id, (selfUs.get(id) ?? 0) + (profile.timeDeltas[i + 1] ?? 0));
  }
  return selfUs;
}

/**
 * `cpuUsPerRequest` (the process's CPU per request, measured from /proc during the load) split
 * by component in the proportions of the profile's busy time from the first request on.
 */
export function componentsPerRequest(
  profile: CpuProfile,
  cpuUsPerRequest: number,
): { component: string; us: number }[] {
  const byId = new Map(profile.nodes.map((node) => [node.id, node]));
  const parent = new Map<number, number>();
  for (const node of profile.nodes)
    for (const child of node.children ?? []) parent.set(child, node.id);
  const byComponent = new Map<string, number>(COMPONENTS.map(([name]) => [name, 0]));
  let busy = 0;
  for (const [id, us] of servingSelfTime(profile, byId, parent)) {
    const frame = byId.get(id)?.callFrame;
    if (!frame || frame.functionName === IDLE) continue;
    busy += us;
    const area = areaOf(frame);
    const [name] = COMPONENTS.find(([, test]) => test(area))!;
    byComponent.set(name, (byComponent.get(name) ?? 0) + us);
  }
  return [...byComponent].map(([component, us]) => ({
    component,
    us: (us / Math.max(1, busy)) * cpuUsPerRequest,
  }));
}

export function summariseProfile(profile: CpuProfile, top = 25): string {
  const byId = new Map(profile.nodes.map((node) => [node.id, node]));
  const parent = new Map<number, number>();
  for (const node of profile.nodes)
    for (const child of node.children ?? []) parent.set(child, node.id);
  const selfUs = servingSelfTime(profile, byId, parent);
  const byFunction = new Map<string, number>();
  const byArea = new Map<string, number>();
  const inclusive = new Map<string, number>();
  let busy = 0;
  let idle = 0;
  for (const [id, us] of selfUs) {
    const frame = byId.get(id)?.callFrame;
    if (!frame) continue;
    if (frame.functionName === IDLE) {
      idle += us;
      continue;
    }
    busy += us;
    const name = frameName(frame);
    byFunction.set(name, (byFunction.get(name) ?? 0) + us);
    const area = areaOf(frame);
    byArea.set(area, (byArea.get(area) ?? 0) + us);
    // Inclusive: every distinct function on this sample's stack gets the time once.
    const seen = new Set<string>();
    for (let at: number | undefined = id; at !== undefined; at = parent.get(at)) {
      const caller = byId.get(at)?.callFrame;
      if (!caller || !isOwnOrPackage(caller)) continue;
      const key = frameName(caller);
      if (seen.has(key)) continue;
      seen.add(key);
      inclusive.set(key, (inclusive.get(key) ?? 0) + us);
    }
  }
  const share = (us: number) => `${((us / Math.max(1, busy)) * 100).toFixed(1).padStart(5)}%`;
  const table = (entries: Map<string, number>, count = top) =>
    [...entries]
      .sort((a, b) => b[1] - a[1])
      .slice(0, count)
      .map(([name, us]) => `${share(us)}  ${(us / 1000).toFixed(0).padStart(7)} ms  ${name}`)
      .join('\n');
  return [
    `from the first request on: busy ${(busy / 1e6).toFixed(2)} s, idle ${(idle / 1e6).toFixed(2)} s (shares below are of busy time)`,
    '',
    'self time by area:',
    table(byArea),
    '',
    `top ${top} functions by self time:`,
    table(byFunction),
    '',
    `top ${top * 2} project/package functions by inclusive time (self + callees):`,
    table(inclusive, top * 2),
    '',
  ].join('\n');
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const [file, top] = process.argv.slice(2);
  if (!file) {
    process.stderr.write('usage: tsx bench/profile-summary.ts <file.cpuprofile> [top]\n');
    process.exit(2);
  }
  process.stdout.write(
    summariseProfile(JSON.parse(readFileSync(file, 'utf8')) as CpuProfile, Number(top ?? 25)),
  );
}
