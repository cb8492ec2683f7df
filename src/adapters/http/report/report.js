/* The campaign report's charts: reads the report JSON embedded in the page and draws it with
 * uPlot (served by this process from node_modules). Plain browser JavaScript, no build; every
 * value reaches the page through textContent or uPlot's canvas. */
/* global document, window, uPlot */
'use strict';

(() => {
  const report = JSON.parse(document.getElementById('report-data').textContent);
  const COLORS = {
    issued: '#16a34a',
    'already-issued': '#f59e0b',
    'sold-out': '#ef4444',
    'not-open': '#3b82f6',
    closed: '#8b5cf6',
    'unknown-campaign': '#94a3b8',
    'ledger-not-ready': '#ec4899',
    error: '#7f1d1d',
  };
  const ORDER = Object.keys(COLORS);
  /** Counts are whole numbers: ticks on whole steps only (no "0.8" for a value of 0.75). */
  const WHOLE = [
    1, 2, 5, 10, 20, 25, 50, 100, 200, 250, 500, 1e3, 2e3, 2.5e3, 5e3, 1e4, 2e4, 5e4, 1e5, 2e5, 5e5,
    1e6, 2e6, 5e6, 1e7,
  ];
  const MAX_FILLED_SECONDS = 6 * 3600;

  const zone = Intl.DateTimeFormat().resolvedOptions().timeZone || 'local time';
  // Fields, not dateStyle/timeStyle: those cannot be combined with timeZoneName.
  const local = new Intl.DateTimeFormat('en-GB', {
    day: '2-digit',
    month: '2-digit',
    year: 'numeric',
    hour: '2-digit',
    minute: '2-digit',
    second: '2-digit',
    fractionalSecondDigits: 3,
    timeZoneName: 'short',
  });

  // Every instant: UTC as written by the server, and the reader's own zone beside it.
  for (const time of document.querySelectorAll('time[data-instant]')) {
    const at = new Date(time.getAttribute('datetime'));
    if (Number.isNaN(at.getTime())) continue;
    time.title = time.textContent;
    time.textContent = local.format(at);
  }

  /** Seconds from the first to the last answer, every one of them (a quiet second is a 0). */
  function series() {
    const rows = report.perSecond.map((r) => ({ ...r, second: Date.parse(r.at) / 1000 }));
    const outcomes = ORDER.filter((o) => rows.some((r) => r.answers[o]));
    for (const r of rows)
      for (const o of Object.keys(r.answers)) if (!outcomes.includes(o)) outcomes.push(o);
    if (rows.length === 0) return { xs: [], outcomes, ys: [], inFlight: [] };
    const first = rows[0].second;
    const last = rows[rows.length - 1].second;
    const fill = last - first <= MAX_FILLED_SECONDS;
    const bySecond = new Map(rows.map((r) => [r.second, r]));
    const xs = fill
      ? Array.from({ length: last - first + 1 }, (_, i) => first + i)
      : rows.map((r) => r.second);
    const ys = outcomes.map((o) => xs.map((x) => bySecond.get(x)?.answers[o] ?? 0));
    const inFlight = xs.map((x) => bySecond.get(x)?.peakInFlight ?? 0);
    return { xs, outcomes, ys, inFlight };
  }

  function sizeOf(el, height) {
    return { width: Math.max(280, el.clientWidth), height };
  }

  /** Marks a chart as drawn, with what it holds, for a reader (and the browser test). */
  function drawn(el, points, seriesCount) {
    el.dataset.drawn = '1';
    el.dataset.points = String(points);
    el.dataset.series = String(seriesCount);
  }

  function empty(el, text) {
    el.textContent = text;
    el.classList.add('empty');
    drawn(el, 0, 0);
  }

  const charts = [];
  const countAxis = { incrs: WHOLE, size: 56 };
  /** The data is per second: time ticks on whole seconds at least (never ":35.200"). */
  const timeAxis = {
    incrs: [1, 2, 5, 10, 15, 30, 60, 120, 300, 600, 900, 1800, 3600, 7200, 21600, 86400],
  };

  function answersChart(data) {
    const el = document.getElementById('chart-answers');
    document.getElementById('zone-answers').textContent = `answers by outcome · times in ${zone}`;
    if (data.xs.length === 0) return empty(el, 'no answer counted yet');
    const opts = {
      ...sizeOf(el, 300),
      scales: { x: { time: true }, y: { range: (_u, _min, max) => [0, Math.max(1, max)] } },
      axes: [timeAxis, { ...countAxis, label: 'answers / s' }],
      series: [
        { label: 'time' },
        ...data.outcomes.map((o) => ({
          label: o,
          stroke: COLORS[o] || '#334155',
          width: 2,
          fill: o === 'issued' ? 'rgba(22, 163, 74, 0.12)' : undefined,
          points: { show: data.xs.length < 60 },
        })),
      ],
      hooks: {
        draw: [() => drawn(el, data.xs.length * data.outcomes.length, data.outcomes.length)],
      },
    };
    charts.push([el, new uPlot(opts, [data.xs, ...data.ys], el), 300]);
  }

  function inFlightChart(data) {
    const el = document.getElementById('chart-in-flight');
    if (data.xs.length === 0) return empty(el, 'no answer counted yet');
    const opts = {
      ...sizeOf(el, 220),
      scales: { x: { time: true }, y: { range: (_u, _min, max) => [0, Math.max(1, max)] } },
      axes: [timeAxis, { ...countAxis, label: 'calls' }],
      series: [
        { label: 'time' },
        { label: 'peak in flight', stroke: '#0ea5e9', width: 2, fill: 'rgba(14, 165, 233, 0.12)' },
      ],
      hooks: { draw: [() => drawn(el, data.xs.length, 1)] },
    };
    charts.push([el, new uPlot(opts, [data.xs, data.inFlight], el), 220]);
  }

  function delaysChart() {
    const el = document.getElementById('chart-delays');
    const buckets = report.delay.buckets;
    if (buckets.length === 0) return empty(el, 'no coupon persisted yet');
    const xs = buckets.map((_b, i) => i);
    const label = (i) => (buckets[i] ? `≤${buckets[i].leMs.toLocaleString('en-US')}` : '');
    // One label per bar while they fit, else every k-th (a bucket index is the x value).
    const every = Math.max(1, Math.ceil(buckets.length / Math.max(2, el.clientWidth / 56)));
    const splits = xs.filter((i) => i % every === 0);
    const opts = {
      ...sizeOf(el, 220),
      scales: {
        x: { time: false, range: [-0.6, buckets.length - 0.4] },
        y: { range: (_u, _min, max) => [0, Math.max(1, max)] },
      },
      axes: [
        {
          splits: () => splits,
          values: (_u, at) => at.map(label),
          label: 'ms',
        },
        { ...countAxis, label: 'coupons' },
      ],
      series: [
        { label: 'bucket', value: (_u, i) => (i === null ? '' : `${label(i)} ms`) },
        {
          label: 'coupons',
          stroke: '#16a34a',
          fill: 'rgba(22, 163, 74, 0.35)',
          paths: uPlot.paths.bars({ size: [0.8, 48] }),
          points: { show: false },
        },
      ],
      hooks: { draw: [() => drawn(el, buckets.length, 1)] },
    };
    charts.push([el, new uPlot(opts, [xs, buckets.map((b) => b.count)], el), 220]);
  }

  const data = series();
  answersChart(data);
  delaysChart();
  inFlightChart(data);
  window.addEventListener('resize', () => {
    for (const [el, chart, height] of charts) chart.setSize(sizeOf(el, height));
  });
})();
