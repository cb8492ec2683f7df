import type { CampaignReportBody } from '../../src/adapters/http/report-body.ts';
import {
  answered,
  fellShort,
  percentile,
  shortfallCause,
  type ClientView,
  type StepResult,
} from './shaped-load.ts';

const n = (value: number | null | undefined) =>
  value === null || value === undefined ? '—' : Math.round(value).toLocaleString('en-US');
const ms = (value: number | null | undefined) =>
  value === null || value === undefined ? '—' : `${value.toLocaleString('en-US')} ms`;

/** The three columns, padded: what, the client's view, the server's. */
function table(rows: readonly (readonly [string, string, string])[]): string {
  const header = ['', 'client (this machine)', 'server (its report)'] as const;
  const all = [header, ...rows];
  const width = (i: 0 | 1 | 2) => Math.max(...all.map((row) => row[i].length));
  const line = (row: readonly string[]) =>
    `  ${row[0]!.padEnd(width(0))}  ${row[1]!.padStart(width(1))}  ${row[2]!.padStart(width(2))}`;
  return [line(header), ...rows.map(line)].join('\n');
}

/**
 * The rehearsal's figures side by side: what this machine saw and what the service's report
 * says, for every figure both can tell, and a line for each that only one side knows.
 */
export function sideBySide(view: ClientView, report: CampaignReportBody): string {
  const server = new Map(report.answers.map((a) => [a.code, a]));
  const codes = [...new Set([...view.byCode.keys(), ...server.keys()])].sort(
    (a, b) => (server.get(a)?.status ?? 999) - (server.get(b)?.status ?? 999),
  );
  const clientSellOut =
    view.first201At !== undefined && view.last201At !== undefined
      ? view.last201At - view.first201At
      : null;
  const { grants, delay, sellOut } = report;
  const rows: [string, string, string][] = [
    ['applications answered', n(answered(view)), n(report.applications)],
    ...codes.map((code): [string, string, string] => {
      const status = server.get(code)?.status ?? (code === 'ISSUED' ? 201 : '');
      return [
        `  ${status} ${code}`.trimEnd(),
        n(view.byCode.get(code) ?? 0),
        n(server.get(code)?.count ?? 0),
      ];
    }),
    ['no answer at all (socket errors)', n(view.errors), '—'],
    ['granted (201 / the ledger)', n(view.winners.size), n(grants.issued)],
    ['rows in MySQL', '—', n(grants.rows)],
    ['answered 201 without a row', '—', n(grants.withoutRow)],
    ['grants the persistence audit re-emitted', '—', n(grants.auditReemitted)],
    ['users answered 201 twice', n(view.doubleWins), '—'],
    [
      'time to sell out',
      clientSellOut === null ? '—' : ms(clientSellOut),
      sellOut.soldOut ? ms(sellOut.timeToSellOutMs) : 'not sold out',
    ],
    [
      'latency p50 / p99 / max',
      `${n(percentile(view.latencies, 0.5))} / ${n(percentile(view.latencies, 0.99))} / ${n(Math.max(0, ...view.latencies.slice(0, 100_000)))} ms`,
      '—',
    ],
    [
      'grant → row delay p50 / p99 / max',
      '—',
      `${n(delay.p50Ms)} / ${n(delay.p99Ms)} / ${n(delay.maxMs)} ms`,
    ],
    [
      'peak in flight',
      `≤ ${n(Math.max(0, ...view.steps.map((s) => s.connections)))} (connections)`,
      n(report.peakInFlight),
    ],
    ['API processes', '—', String(report.processes.length)],
  ];
  const notes = [
    'client: answers as this machine received them (time to sell out = first 201 received → last',
    '201 received); server: answers as the API processes counted them (first grant → last grant),',
    'added up in MySQL once a second. The two agree when nothing was lost on the way and nobody',
    'else applied to this campaign.',
  ];
  return `${table(rows)}\n\n${notes.join('\n')}`;
}

/** Differences between the two sides that a person must look at (empty: they agree). */
export function disagreements(view: ClientView, report: CampaignReportBody): string[] {
  const found: string[] = [];
  const serverCount = (code: string) => report.answers.find((a) => a.code === code)?.count ?? 0;
  for (const [code, count] of view.byCode) {
    if (/^\d+$/.test(code)) continue; // an answer without our body (a proxy's page)
    if (serverCount(code) !== count) {
      found.push(
        `${code}: this machine received ${n(count)}, the service counted ${n(serverCount(code))}`,
      );
    }
  }
  if (report.grants.issued !== null && report.grants.issued !== view.winners.size) {
    found.push(
      `grants: ${n(view.winners.size)} answered 201 here, the ledger counts ${n(report.grants.issued)}`,
    );
  }
  if (report.grants.withoutRow !== 0) {
    found.push(
      `answered 201 without a row: ${n(report.grants.withoutRow)} (must be 0 once the consumer caught up)`,
    );
  }
  if (view.doubleWins > 0) found.push(`${view.doubleWins} users were answered 201 twice (G2)`);
  return found;
}

/** One line per phase: asked, got, and why not, when the client can tell. */
export function loadVerdict(steps: readonly StepResult[]): string[] {
  const lines: string[] = [];
  for (const phase of ['ramp', 'spike', 'plateau'] as const) {
    const mine = steps.filter((s) => s.phase === phase);
    if (mine.length === 0) continue;
    const seconds = mine.reduce((sum, s) => sum + s.seconds, 0);
    const asked = mine.reduce((sum, s) => sum + s.asked * s.seconds, 0) / seconds;
    const achieved = mine.reduce((sum, s) => sum + s.achieved * s.seconds, 0) / seconds;
    const short = mine.filter(fellShort);
    const cpu = Math.max(...mine.map((s) => s.clientCpu));
    const head = `${phase.padEnd(7)} asked ${n(asked)}/s, got ${n(achieved)}/s (client CPU up to ${Math.round(cpu * 100)}% of a core)`;
    if (short.length === 0) {
      lines.push(`${head}: as asked`);
      continue;
    }
    const causes = new Set(short.map(shortfallCause));
    if (causes.has('client')) {
      lines.push(
        `${head}: THIS MACHINE could not generate the asked load (its CPU or event loop was saturated): ` +
          'the service was not tested at that rate. Rehearse from a bigger machine, or from several at once.',
      );
    } else if (causes.has('connections')) {
      const worst = short.find((s) => shortfallCause(s) === 'connections')!;
      lines.push(
        `${head}: too few connections for that rate at ${n(worst.latencyP50Ms)} ms per answer ` +
          `(${worst.connections} connections carry about ${n((worst.connections * 1000) / Math.max(1, worst.latencyP50Ms))}/s): raise --connections.`,
      );
    } else {
      const worst = short.reduce((a, b) => (b.latencyP99Ms > a.latencyP99Ms ? b : a));
      lines.push(
        `${head}: the service (or the network) answered slower than asked (p50 ` +
          `${n(worst.latencyP50Ms)} ms, p99 ${n(worst.latencyP99Ms)} ms over ${worst.connections} ` +
          'connections); a service on this same machine shares its cores with this client.',
      );
    }
  }
  return lines;
}
