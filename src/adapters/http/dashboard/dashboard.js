/* Live dashboard: polls GET /campaigns and GET /stats every 500 ms (the table and the live
 * tiles) and GET /stats/recent every second: the last ten minutes of answers per campaign and
 * second, as the server's report store holds them, drawn on a canvas. The history is the
 * server's, not the page's, so a page opened after a drop still shows it. Plain browser
 * JavaScript, no build, no dependency; every value reaches the page through textContent. */
/* global document, window, fetch, setTimeout, CSS */
'use strict';

(() => {
  const POLL_MS = 500;
  const HISTORY_EVERY = 2; // polls: the history is flushed once a second anyway
  const OUTCOMES = [
    ['issued', '#16a34a'],
    ['already-issued', '#f59e0b'],
    ['sold-out', '#ef4444'],
    ['not-open', '#3b82f6'],
    ['closed', '#8b5cf6'],
    ['unknown-campaign', '#94a3b8'],
    ['ledger-not-ready', '#ec4899'],
    ['paused', '#0891b2'],
    ['not-eligible', '#a3a3a3'],
    ['error', '#7f1d1d'],
  ];

  const $ = (id) => document.getElementById(id);
  const canvas = $('chart');
  const picker = $('chart-campaign');
  const tbody = document.querySelector('#campaigns tbody');
  const rows = new Map();
  /** @type {{ from: number, to: number, campaigns: { campaignId: string, seconds: { at: string, answers: Record<string, number> }[] }[] } | undefined} */
  let history;
  /** @type {{ serverAt: number, decisions: Record<string, number> } | undefined} */
  let previous;
  let polls = 0;

  const zone = Intl.DateTimeFormat().resolvedOptions().timeZone || 'local time';
  // Fields, not dateStyle/timeStyle: those cannot be combined with timeZoneName.
  const withZone = new Intl.DateTimeFormat('en-GB', {
    day: '2-digit',
    month: '2-digit',
    year: 'numeric',
    hour: '2-digit',
    minute: '2-digit',
    timeZoneName: 'short',
  });
  const clock = new Intl.DateTimeFormat('en-GB', { hour: '2-digit', minute: '2-digit' });
  const clockWithSeconds = new Intl.DateTimeFormat('en-GB', { timeStyle: 'medium' });

  /** The gate's refusals (coupon_proof_checks_total{outcome}), as the tile names them. */
  const PROOF_REFUSALS = [
    ['required', 'missing'],
    ['invalid', 'invalid'],
    ['expired', 'expired'],
    ['replayed', 'replayed'],
  ];
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

  /** The live tiles: rates from the deltas of this process's cumulative counters. */
  function recordStats(stats) {
    const serverAt = Date.parse(stats.at);
    const decisions = stats.decisions || {};
    let total = 0;
    let issued = 0;
    if (previous && serverAt > previous.serverAt) {
      const seconds = (serverAt - previous.serverAt) / 1000;
      const restarted = OUTCOMES.some(([k]) => (decisions[k] || 0) < (previous.decisions[k] || 0));
      for (const [k] of OUTCOMES) {
        const rate = restarted ? 0 : ((decisions[k] || 0) - (previous.decisions[k] || 0)) / seconds;
        total += rate;
        if (k === 'issued') issued = rate;
      }
    }
    if (!previous || serverAt > previous.serverAt) previous = { serverAt, decisions };
    $('rate-total').textContent = fmtRate(total);
    $('rate-issued').textContent = fmtRate(issued);
    $('decisions-total').textContent = fmt(
      OUTCOMES.reduce((sum, [k]) => sum + (decisions[k] || 0), 0),
    );
    $('outbox-depth').textContent = fmt(stats.outboxDepth);
    $('failed-open').textContent = fmt(stats.failedOpen);
    recordProofs(stats.proofs);
    recordOpenings(stats.openings);
  }

  /** The shuffled openings' tile: applicants collected for draws, the last batch, the waits. */
  function recordOpenings(openings) {
    if (!openings) return;
    $('opening-applicants').textContent = fmt(openings.applicants);
    $('opening-detail').textContent =
      `last batch ${fmt(openings.lastBatch)} · waited ${fmt(openings.waits)}`;
  }

  /** The proof-of-work gate's tile: challenges handed out, solutions accepted, refusals by reason. */
  function recordProofs(proofs) {
    if (!proofs) return;
    const outcomes = proofs.outcomes || {};
    $('proof-challenges').textContent = fmt(proofs.challenges);
    $('proof-solved').textContent = fmt(outcomes.solved || 0);
    $('proof-refused').textContent = `refused: ${PROOF_REFUSALS.map(
      ([k, label]) => `${label} ${fmt(outcomes[k] || 0)}`,
    ).join(' · ')}`;
  }

  function campaignState(c, now) {
    if (!c.ledgerReady) return ['ledger not ready', 'badge'];
    if (c.paused && !(c.endsAt && Date.parse(c.endsAt) <= now)) return ['paused', 'badge paused'];
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
    const report = idCell.appendChild(document.createElement('a'));
    report.className = 'report-link';
    report.href = `/campaigns/${encodeURIComponent(id)}/report`;
    report.textContent = 'report';
    report.title = 'the campaign report (admin token as the password)';
    const win = cell(row, 'window', 'window window-col');
    win.appendChild(document.createElement('span'));
    win.appendChild(document.createElement('div'));
    cell(row, 'total', 'num total-col');
    for (const f of ['issued', 'remaining', 'persisted']) cell(row, f, 'num');
    const bar = cell(row, 'progress', 'bar-col').appendChild(document.createElement('div'));
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
        const option = picker.appendChild(document.createElement('option'));
        option.value = c.campaignId;
        option.textContent = c.campaignId;
      }
      const get = (f) => row.querySelector(`[data-field="${f}"]`);
      get('campaign').querySelector('.name').textContent = c.name;
      const [state, badgeClass] = campaignState(c, now);
      const badge = get('window').firstChild;
      badge.textContent = state;
      badge.className = badgeClass;
      // Each instant with its zone: "25/11/2026, 10:00 CET" is unambiguous, "10:00" is not.
      const span = (iso) => (iso ? withZone.format(new Date(iso)) : '…');
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
        picker.querySelector(`option[value="${CSS.escape(id)}"]`)?.remove();
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

  /**
   * Tick step for counts: 1, 2 or 5 × 10^n, never below 1 (an answer is a whole number, so a
   * tick is too: no "0.8/s" standing for 0.75), giving at most `count` steps up to `max`.
   */
  function niceStep(max, count) {
    const raw = Math.max(1, max / count);
    const exp = 10 ** Math.floor(Math.log10(raw));
    for (const m of [1, 2, 5, 10]) if (m * exp >= raw) return m * exp;
    return 10 * exp;
  }

  /** Answers per second of the chosen campaign (or all), by outcome, over the history. */
  function seriesOf(chosen) {
    if (!history) return { from: 0, to: 0, points: new Map() };
    const points = new Map(); // second → { outcome: count }
    for (const c of history.campaigns) {
      if (chosen && c.campaignId !== chosen) continue;
      for (const s of c.seconds) {
        const second = Date.parse(s.at) / 1000;
        const sum = points.get(second) || {};
        for (const [k, n] of Object.entries(s.answers)) sum[k] = (sum[k] || 0) + n;
        points.set(second, sum);
      }
    }
    // The span starts a little before the first answer (at least a minute, at most the ten
    // minutes held): two seconds of stampede are a shape, not a spike at the right edge.
    const first = Math.min(...points.keys());
    const from = Number.isFinite(first)
      ? Math.max(history.from, Math.min(history.to - 60, first - 10))
      : history.from;
    return { from, to: history.to, points };
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

    const { from, to, points } = seriesOf(picker.value);
    const left = 52;
    const right = width - 12;
    const top = 10;
    const bottom = height - 26;
    let peak = 0;
    for (const sum of points.values()) for (const n of Object.values(sum)) peak = Math.max(peak, n);
    const step = niceStep(peak, 4);
    const yMax = Math.max(step, Math.ceil(peak / step) * step);
    const span = Math.max(1, to - from);
    const x = (second) => left + ((second - from) / span) * (right - left);
    const y = (count) => bottom - (count / yMax) * (bottom - top);

    ctx.font = '11px system-ui, sans-serif';
    ctx.fillStyle = '#64748b';
    ctx.strokeStyle = '#e2e8f0';
    ctx.lineWidth = 1;
    ctx.textAlign = 'right';
    ctx.textBaseline = 'middle';
    for (let value = 0; value <= yMax; value += step) {
      const yy = Math.round(y(value)) + 0.5;
      ctx.beginPath();
      ctx.moveTo(left, yy);
      ctx.lineTo(right, yy);
      ctx.stroke();
      ctx.fillText(`${fmt(value)}/s`, left - 6, yy);
    }
    // Clock times in the reader's zone, on round seconds or minutes, as many as fit.
    ctx.textAlign = 'center';
    ctx.textBaseline = 'top';
    const fit = Math.max(2, Math.floor((right - left) / 90));
    const every = [10, 15, 30, 60, 120, 300].find((s) => span / s <= fit) || 600;
    const label = every < 60 ? clockWithSeconds : clock;
    for (let t = Math.ceil(from / every) * every; t <= to; t += every) {
      ctx.fillText(label.format(new Date(t * 1000)), x(t), bottom + 8);
    }

    ctx.save();
    ctx.beginPath();
    ctx.rect(left, top - 2, right - left, bottom - top + 4);
    ctx.clip();
    let drawn = 0;
    const seconds = [...points.keys()].sort((a, b) => a - b);
    for (const [name, color] of OUTCOMES) {
      if (!seconds.some((s) => points.get(s)[name])) continue;
      // Every second of the span is a point: a quiet one is 0, not a line across the gap.
      ctx.beginPath();
      let pen = false;
      for (let s = from; s <= to; s += 1) {
        const n = points.get(s)?.[name] || 0;
        if (!pen) ctx.moveTo(x(s), y(n));
        else ctx.lineTo(x(s), y(n));
        pen = true;
        if (n > 0) drawn += 1;
      }
      ctx.strokeStyle = color;
      ctx.lineWidth = name === 'issued' ? 2.5 : 1.5;
      ctx.lineJoin = 'round';
      ctx.stroke();
    }
    ctx.restore();

    canvas.dataset.samples = String(seconds.length);
    canvas.dataset.peak = String(peak);
    canvas.dataset.points = String(drawn);
    canvas.dataset.step = String(step);
    canvas.setAttribute(
      'aria-label',
      `answers per second over the last ten minutes, times in ${zone}, peak ${peak}/s`,
    );
  }

  function setLive(ok, message) {
    $('live').className = ok ? 'dot ok' : 'dot down';
    $('status').textContent = message;
  }

  async function tick() {
    try {
      const wantHistory = polls % HISTORY_EVERY === 0;
      polls += 1;
      const [list, stats, recent] = await Promise.all([
        getJson('/campaigns'),
        getJson('/stats').catch(() => null),
        wantHistory ? getJson('/stats/recent').catch(() => null) : null,
      ]);
      renderCampaigns(list.campaigns);
      if (stats) recordStats(stats);
      if (recent) {
        history = {
          from: Date.parse(recent.from) / 1000,
          to: Date.parse(recent.to) / 1000,
          campaigns: recent.campaigns,
        };
      }
      setLive(true, `updated ${clockWithSeconds.format(new Date())} · times in ${zone}`);
    } catch (error) {
      setLive(false, `disconnected (${error.message}); retrying`);
    }
    drawChart();
    setTimeout(() => void tick(), POLL_MS);
  }

  picker.addEventListener('change', drawChart);
  buildLegend();
  void tick();
})();
