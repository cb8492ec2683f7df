/* Live dashboard: polls GET /campaigns and GET /stats every 500 ms and draws decisions per
 * second (derived from the deltas of the cumulative counters) on a canvas. Plain browser
 * JavaScript, no build, no dependency; every value reaches the page through textContent. */
/* global document, window, fetch, performance, setTimeout */
'use strict';

(() => {
  const POLL_MS = 500;
  const WINDOW_MS = 60_000;
  const OUTCOMES = [
    ['issued', '#16a34a'],
    ['already-issued', '#f59e0b'],
    ['sold-out', '#ef4444'],
    ['not-open', '#3b82f6'],
    ['closed', '#8b5cf6'],
    ['unknown-campaign', '#94a3b8'],
    ['ledger-not-ready', '#ec4899'],
    ['error', '#7f1d1d'],
  ];

  const $ = (id) => document.getElementById(id);
  const canvas = $('chart');
  const tbody = document.querySelector('#campaigns tbody');
  const rows = new Map();
  /** @type {{ at: number, rates: Record<string, number>, total: number }[]} */
  const samples = [];
  /** @type {{ serverAt: number, decisions: Record<string, number> } | undefined} */
  let previous;

  const fmt = (n) => (n === null || n === undefined ? '—' : Number(n).toLocaleString('en-US'));
  const fmtRate = (r) =>
    r === 0 ? '0' : r >= 10 ? Math.round(r).toLocaleString('en-US') : r.toFixed(1);

  function buildLegend() {
    const legend = $('legend');
    for (const [name, color] of OUTCOMES) {
      const item = document.createElement('span');
      item.textContent = name;
      item.style.setProperty('--swatch', color);
      legend.appendChild(item);
    }
  }

  async function getJson(path) {
    const response = await fetch(path, {
      cache: 'no-store',
      headers: { accept: 'application/json' },
    });
    if (!response.ok) throw new Error(`${path} answered ${response.status}`);
    return response.json();
  }

  function recordStats(stats) {
    const serverAt = Date.parse(stats.at);
    const decisions = stats.decisions || {};
    const rates = {};
    let total = 0;
    if (previous && serverAt > previous.serverAt) {
      const seconds = (serverAt - previous.serverAt) / 1000;
      const restarted = OUTCOMES.some(([k]) => (decisions[k] || 0) < (previous.decisions[k] || 0));
      for (const [k] of OUTCOMES) {
        const delta = restarted ? 0 : (decisions[k] || 0) - (previous.decisions[k] || 0);
        rates[k] = delta / seconds;
        total += rates[k];
      }
    } else {
      for (const [k] of OUTCOMES) rates[k] = 0;
    }
    if (!previous || serverAt > previous.serverAt) {
      samples.push({ at: performance.now(), rates, total });
      previous = { serverAt, decisions };
    }
    while (samples.length > 0 && performance.now() - samples[0].at > WINDOW_MS + 2 * POLL_MS) {
      samples.shift();
    }
    const last = samples[samples.length - 1];
    $('rate-total').textContent = fmtRate(last ? last.total : 0);
    $('rate-issued').textContent = fmtRate(last ? last.rates.issued : 0);
    $('decisions-total').textContent = fmt(
      OUTCOMES.reduce((sum, [k]) => sum + (decisions[k] || 0), 0),
    );
    $('outbox-depth').textContent = fmt(stats.outboxDepth);
    $('failed-open').textContent = fmt(stats.failedOpen);
  }

  function campaignState(c, now) {
    if (!c.ledgerReady) return ['ledger not ready', 'badge'];
    if (c.remaining === 0) return ['sold out', 'badge sold'];
    if (c.startsAt && Date.parse(c.startsAt) > now) return ['not open yet', 'badge sold'];
    if (c.endsAt && Date.parse(c.endsAt) <= now) return ['closed', 'badge sold'];
    return ['open', 'badge open'];
  }

  function cell(row, field, className) {
    const td = document.createElement('td');
    if (field) td.dataset.field = field;
    if (className) td.className = className;
    row.appendChild(td);
    return td;
  }

  function newRow(id) {
    const row = document.createElement('tr');
    row.dataset.campaignId = id;
    const idCell = cell(row, 'campaign', 'id');
    idCell.appendChild(document.createElement('code')).textContent = id;
    idCell.appendChild(document.createElement('div')).className = 'name';
    const win = cell(row, 'window', 'window');
    win.appendChild(document.createElement('span'));
    win.appendChild(document.createElement('div'));
    for (const f of ['total', 'issued', 'remaining', 'persisted']) cell(row, f, 'num');
    const bar = cell(row, 'progress').appendChild(document.createElement('div'));
    bar.className = 'bar';
    bar.appendChild(document.createElement('div')).className = 'issued';
    bar.appendChild(document.createElement('div')).className = 'persisted';
    return row;
  }

  function renderCampaigns(campaigns) {
    const now = Date.now();
    const seen = new Set();
    const placeholder = tbody.querySelector('tr.empty');
    if (placeholder) placeholder.remove();
    for (const c of campaigns) {
      seen.add(c.campaignId);
      let row = rows.get(c.campaignId);
      if (!row) {
        row = newRow(c.campaignId);
        rows.set(c.campaignId, row);
        tbody.appendChild(row);
      }
      const get = (f) => row.querySelector(`[data-field="${f}"]`);
      get('campaign').querySelector('.name').textContent = c.name;
      const [state, badgeClass] = campaignState(c, now);
      const badge = get('window').firstChild;
      badge.textContent = state;
      badge.className = badgeClass;
      const span = (iso) => (iso ? new Date(iso).toLocaleString('en-GB') : '…');
      get('window').lastChild.textContent =
        c.startsAt || c.endsAt ? `${span(c.startsAt)} → ${span(c.endsAt)}` : 'always open';
      get('total').textContent = fmt(c.totalQuantity);
      get('issued').textContent = fmt(c.issued);
      get('remaining').textContent = fmt(c.remaining);
      get('persisted').textContent = fmt(c.persisted);
      const pct = (n) => `${Math.min(100, (100 * (n || 0)) / c.totalQuantity)}%`;
      get('progress').querySelector('.issued').style.width = pct(c.issued);
      get('progress').querySelector('.persisted').style.width = pct(c.persisted);
    }
    for (const [id, row] of rows) {
      if (!seen.has(id)) {
        row.remove();
        rows.delete(id);
      }
    }
    if (rows.size === 0) {
      const row = tbody.appendChild(document.createElement('tr'));
      row.className = 'empty';
      const td = row.appendChild(document.createElement('td'));
      td.colSpan = 7;
      td.textContent = 'no campaigns yet — create one with POST /admin/campaigns';
    }
  }

  /** 1, 2, 5 × 10^n at or above `value`. */
  function niceCeil(value) {
    const exp = 10 ** Math.floor(Math.log10(value));
    for (const m of [1, 2, 5, 10]) if (m * exp >= value) return m * exp;
    return 10 * exp;
  }

  function drawChart() {
    const dpr = window.devicePixelRatio || 1;
    const width = canvas.clientWidth || canvas.width;
    const height = canvas.clientHeight || canvas.height;
    if (canvas.width !== Math.round(width * dpr)) canvas.width = Math.round(width * dpr);
    if (canvas.height !== Math.round(height * dpr)) canvas.height = Math.round(height * dpr);
    const ctx = canvas.getContext('2d');
    ctx.setTransform(dpr, 0, 0, dpr, 0, 0);
    ctx.clearRect(0, 0, width, height);

    const left = 52;
    const right = width - 12;
    const top = 10;
    const bottom = height - 26;
    const now = performance.now();
    // The time axis grows with the history, from 10 s up to the full minute, so a page opened
    // just before a stampede does not squeeze it into the right edge.
    const spanMs = Math.min(WINDOW_MS, Math.max(10_000, samples.length ? now - samples[0].at : 0));
    const peak = samples.reduce((m, s) => Math.max(m, ...OUTCOMES.map(([k]) => s.rates[k])), 0);
    const yMax = niceCeil(Math.max(peak, 1));
    const x = (at) => right - ((now - at) / spanMs) * (right - left);
    const y = (rate) => bottom - (rate / yMax) * (bottom - top);

    ctx.font = '11px system-ui, sans-serif';
    ctx.fillStyle = '#64748b';
    ctx.strokeStyle = '#e2e8f0';
    ctx.lineWidth = 1;
    ctx.textAlign = 'right';
    ctx.textBaseline = 'middle';
    for (let i = 0; i <= 4; i += 1) {
      const value = (yMax * i) / 4;
      const yy = Math.round(y(value)) + 0.5;
      ctx.beginPath();
      ctx.moveTo(left, yy);
      ctx.lineTo(right, yy);
      ctx.stroke();
      ctx.fillText(`${fmtRate(value)}/s`, left - 6, yy);
    }
    ctx.textAlign = 'center';
    ctx.textBaseline = 'top';
    const spanS = spanMs / 1000;
    const step = [1, 2, 5, 10, 15, 30].find((t) => spanS / t <= 7) || 30;
    for (let s = 0; s <= spanS; s += step) {
      ctx.fillText(s === 0 ? 'now' : `-${s}s`, right - (s / spanS) * (right - left), bottom + 8);
    }

    ctx.save();
    ctx.beginPath();
    ctx.rect(left, top - 2, right - left, bottom - top + 4);
    ctx.clip();
    let points = 0;
    for (const [name, color] of OUTCOMES) {
      if (!samples.some((s) => s.rates[name] > 0)) continue;
      if (name === 'issued') {
        ctx.beginPath();
        ctx.moveTo(x(samples[0].at), bottom);
        for (const s of samples) ctx.lineTo(x(s.at), y(s.rates[name]));
        ctx.lineTo(x(samples[samples.length - 1].at), bottom);
        ctx.closePath();
        ctx.fillStyle = 'rgba(22, 163, 74, 0.12)';
        ctx.fill();
      }
      ctx.beginPath();
      samples.forEach((s, i) => {
        const px = x(s.at);
        const py = y(s.rates[name]);
        if (i === 0) ctx.moveTo(px, py);
        else ctx.lineTo(px, py);
        points += 1;
      });
      ctx.strokeStyle = color;
      ctx.lineWidth = 2;
      ctx.lineJoin = 'round';
      ctx.stroke();
    }
    ctx.restore();

    canvas.dataset.samples = String(samples.length);
    canvas.dataset.peak = String(Math.round(peak * 10) / 10);
    canvas.dataset.points = String(points);
  }

  function setLive(ok, message) {
    $('live').className = ok ? 'dot ok' : 'dot down';
    $('status').textContent = message;
  }

  async function tick() {
    try {
      const [list, stats] = await Promise.all([
        getJson('/campaigns'),
        getJson('/stats').catch(() => null),
      ]);
      renderCampaigns(list.campaigns);
      if (stats) recordStats(stats);
      setLive(true, `updated ${new Date().toLocaleTimeString('en-GB')}`);
    } catch (error) {
      setLive(false, `disconnected (${error.message}); retrying`);
    }
    drawChart();
    setTimeout(() => void tick(), POLL_MS);
  }

  buildLegend();
  void tick();
})();
