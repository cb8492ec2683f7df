import {
  DURABILITY_LABEL,
  SCENARIO_LABELS,
  type BenchResults,
  type ScenarioName,
} from './bench-results.ts';
import { EXPERIMENTS, VARIANT_SHORT_LABELS } from './variants.ts';

const WIDTH = 1000;
const LABEL_WIDTH = 200;
const BAR_AREA = 460;
const BAR = 18;
const COLORS: Record<ScenarioName | 'reads' | 'soldOut' | 'batched' | 'row-by-row', string> = {
  stampede: '#2b6cb0',
  allGrants: '#9f7aea',
  reads: '#319795',
  soldOut: '#d69e2e',
  batched: '#2f855a',
  'row-by-row': '#c05621',
};
const SHORT_FLOOD_LABELS = { reads: '(c) public reads flood', soldOut: '(d) sold-out applies' };
/** Experiments are not designs: drawn in grey. */
const EXPERIMENT_COLOR = '#a0aec0';

const escape = (text: string) =>
  text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
const number = (n: number) => n.toLocaleString('en-US', { maximumFractionDigits: 0 });
const text = (x: number, y: number, content: string, extra = '') =>
  `<text x="${x}" y="${y}" ${extra}>${escape(content)}</text>`;

interface Bar {
  readonly value: number;
  readonly color: string;
  readonly caption: string;
}

/** One horizontal bar per entry, scaled to the panel's largest value, caption to its right. */
function bars(y: number, entries: readonly Bar[], max: number): string {
  return entries
    .map((bar, i) => {
      const top = y + i * (BAR + 4);
      const width = Math.max(1, Math.round((bar.value / Math.max(1, max)) * BAR_AREA));
      return (
        `<rect x="${LABEL_WIDTH}" y="${top}" width="${width}" height="${BAR}" fill="${bar.color}"/>` +
        text(LABEL_WIDTH + width + 6, top + 13, bar.caption, 'class="value"')
      );
    })
    .join('\n');
}

/**
 * The benchmark chart, hand-written SVG: apply requests/s per variant in both scenarios (with
 * p99 and the ratio to the ceiling), then the consumer's coupons/s batched vs row by row.
 */
export function renderChart(results: BenchResults): string {
  const parts: string[] = [];
  let y = 30;
  parts.push(
    text(
      16,
      y,
      `Apply: requests/s at ${results.settings.connections} connections, ${results.machine.cores} cores shared with the load generator`,
      'class="title"',
    ),
  );
  y += 14;
  parts.push(
    ...(['stampede', 'allGrants'] as const).map(
      (scenario, i) =>
        `<rect x="${LABEL_WIDTH + i * 170}" y="${y}" width="12" height="12" fill="${COLORS[scenario]}"/>` +
        text(LABEL_WIDTH + 18 + i * 170, y + 11, SCENARIO_LABELS[scenario], 'class="legend"'),
    ),
  );
  y += 26;
  const names = results.scenarios.stampede.map((run) => run.variant);
  const max = Math.max(
    ...Object.values(results.scenarios)
      .flat()
      .map((run) => run.load.requestsPerSecond),
  );
  for (const name of names) {
    const entries = (['stampede', 'allGrants'] as const).flatMap((scenario) => {
      const run = results.scenarios[scenario].find((r) => r.variant === name);
      if (!run) return [];
      const ratio =
        run.ratioToCeiling === null || name === 'ceiling'
          ? ''
          : ` · ${(run.ratioToCeiling * 100).toFixed(0)}% of ceiling`;
      const color = EXPERIMENTS.includes(name) ? EXPERIMENT_COLOR : COLORS[scenario];
      return [
        {
          value: run.load.requestsPerSecond,
          color,
          caption: `${number(run.load.requestsPerSecond)}/s · p99 ${run.load.latencyMs.p99} ms${ratio}`,
        },
      ];
    });
    parts.push(text(16, y + 13, VARIANT_SHORT_LABELS[name], 'class="label"'));
    parts.push(bars(y, entries, max));
    y += entries.length * (BAR + 4) + 14;
  }

  const durability = results.durability ?? [];
  if (durability.length > 0) {
    y += 16;
    parts.push(text(16, y, `${DURABILITY_LABEL}: this service, requests/s`, 'class="title"'));
    y += 16;
    const durabilityMax = Math.max(...durability.map((r) => r.load.requestsPerSecond));
    for (const run of durability) {
      parts.push(text(16, y + 13, run.level, 'class="label"'));
      parts.push(
        bars(
          y,
          [
            {
              value: run.load.requestsPerSecond,
              color: COLORS.allGrants,
              caption: `${number(run.load.requestsPerSecond)}/s · p99 ${run.load.latencyMs.p99} ms`,
            },
          ],
          durabilityMax,
        ),
      );
      y += BAR + 18;
    }
  }

  const afterSellOut = results.afterSellOut ?? [];
  if (afterSellOut.length > 0) {
    y += 16;
    parts.push(text(16, y, 'After the sell-out: this service, requests/s', 'class="title"'));
    y += 16;
    const floodMax = Math.max(...afterSellOut.map((r) => r.load.requestsPerSecond));
    for (const run of afterSellOut) {
      parts.push(text(16, y + 13, SHORT_FLOOD_LABELS[run.scenario], 'class="label"'));
      parts.push(
        bars(
          y,
          [
            {
              value: run.load.requestsPerSecond,
              color: COLORS[run.scenario],
              caption:
                `${number(run.load.requestsPerSecond)}/s · p99 ${Math.round(run.load.latencyMs.p99)} ms · ` +
                `per req. ${run.perRequest.mysqlQueries.toFixed(3)} SQL, ` +
                `${run.perRequest.redisCommandsWithoutPolling.toFixed(2)} Redis`,
            },
          ],
          floodMax,
        ),
      );
      y += BAR + 18;
    }
  }

  if (results.consumer.length > 0) {
    y += 16;
    parts.push(
      text(16, y, 'Consumer: coupons persisted to MySQL per second (from Kafka)', 'class="title"'),
    );
    y += 16;
    const consumerMax = Math.max(...results.consumer.map((c) => c.couponsPerSecond));
    for (const c of results.consumer) {
      parts.push(text(16, y + 13, `${c.mode} (${number(c.events)} events)`, 'class="label"'));
      const extrapolated = c.extrapolatedSeconds
        ? ` · ${number(c.extrapolatedSeconds.events)} in ~${c.extrapolatedSeconds.seconds} s (extrapolated)`
        : ` · ${c.persistSeconds} s`;
      parts.push(
        bars(
          y,
          [
            {
              value: c.couponsPerSecond,
              color: COLORS[c.mode],
              caption: `${number(c.couponsPerSecond)}/s${extrapolated}`,
            },
          ],
          consumerMax,
        ),
      );
      y += BAR + 18;
    }
  }
  y += 4;
  parts.push(
    text(
      16,
      y + 10,
      `run ${results.runId} · ${results.finishedAt} · node ${results.machine.node} · redis ${results.machine.redis} · mariadb ${results.machine.mariadb} · kafka ${results.machine.kafka}`,
      'class="foot"',
    ),
  );
  const height = y + 24;
  return `<svg xmlns="http://www.w3.org/2000/svg" width="${WIDTH}" height="${height}" viewBox="0 0 ${WIDTH} ${height}" font-family="system-ui, -apple-system, 'Segoe UI', sans-serif">
<style>
  .title { font-size: 15px; font-weight: 600; fill: #1a202c; }
  .label { font-size: 12px; fill: #2d3748; }
  .legend { font-size: 12px; fill: #2d3748; }
  .value { font-size: 11px; fill: #1a202c; }
  .foot { font-size: 10px; fill: #718096; }
</style>
<rect width="100%" height="100%" fill="#ffffff"/>
${parts.join('\n')}
</svg>
`;
}
