import type { CampaignReportBody } from './report-body.ts';

/** Text for HTML: every value that reaches the page (a campaign name is an admin's input). */
const escape = (text: string) =>
  text.replace(
    /[&<>"']/g,
    (ch) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[ch]!,
  );

/** JSON inside <script type="application/json">: `<` escaped, so no value can close the tag. */
const embedded = (value: unknown) =>
  JSON.stringify(value)
    .replace(/</g, '\\u003c')
    .replace(/\u2028|\u2029/g, '');

const count = (n: number | null) => (n === null ? '—' : n.toLocaleString('en-US'));

/** 1234 ms → "1.23 s"; under a second in ms. */
function duration(ms: number | null): string {
  if (ms === null) return '—';
  if (ms < 1000) return `${ms} ms`;
  if (ms < 60_000) return `${(ms / 1000).toFixed(2)} s`;
  return `${Math.floor(ms / 60_000)} min ${((ms % 60_000) / 1000).toFixed(1)} s`;
}

/** An instant in UTC, said so; the page's script shows it in the reader's zone too. */
function instant(iso: string | null): string {
  if (iso === null) return '<span class="none">—</span>';
  const text = `${iso.slice(0, 10)} ${iso.slice(11, 23)} UTC`;
  return `<time datetime="${escape(iso)}" data-instant>${escape(text)}</time>`;
}

function tile(label: string, value: string, note: string, attributes = ''): string {
  return `<div class="tile"${attributes}><div class="label">${label}</div><div class="value">${value}</div><div class="note">${note}</div></div>`;
}

/** The verdict on grants without a row: 0 is the promise (G3), a few are in flight at first. */
function withoutRowTile(grants: CampaignReportBody['grants']): string {
  const { withoutRow, issued, rows } = grants;
  const state = withoutRow === null ? 'unknown' : withoutRow === 0 ? 'good' : 'bad';
  const note =
    withoutRow === null
      ? 'the ledger could not be asked'
      : `${count(issued)} granted by the ledger · ${count(rows)} rows in MySQL`;
  return tile(
    'answered 201 without a row',
    count(withoutRow),
    note,
    ` data-figure="without-row" data-state="${state}"`,
  );
}

/**
 * The report as a page (GET /campaigns/{id}/report as HTML): the figures as text, so it reads
 * without its script, and the charts drawn by /report.js with uPlot (served by this process from
 * node_modules, never a CDN) from the same JSON, embedded in the page.
 */
export function campaignReportPage(report: CampaignReportBody): string {
  const { campaign, sellOut, delay, grants } = report;
  const id = encodeURIComponent(campaign.campaignId);
  const answerRows = report.answers
    .map((a) => {
      const share = report.applications > 0 ? (100 * a.count) / report.applications : 0;
      return `<tr data-outcome="${escape(a.outcome)}"><td class="num">${a.status ?? '—'}</td><td><code>${escape(a.code)}</code></td><td class="num">${count(a.count)}</td><td class="num">${share.toFixed(1)}%</td></tr>`;
    })
    .join('');
  const processRows = report.processes
    .map(
      (p) =>
        `<tr><td><code>${escape(p.process)}</code></td><td class="num">${count(p.answers)}</td><td>${instant(p.from)}</td><td>${instant(p.to)}</td><td class="num">${count(p.peakInFlight)}</td></tr>`,
    )
    .join('');
  const soldOut = sellOut.soldOut
    ? duration(sellOut.timeToSellOutMs)
    : sellOut.firstGrantAt
      ? 'not sold out'
      : 'no grant yet';
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Report · ${escape(campaign.name)} · Coupon issuance</title>
<link rel="icon" href="data:,">
<link rel="stylesheet" href="/vendor/uPlot.min.css">
<link rel="stylesheet" href="/dashboard.css">
<link rel="stylesheet" href="/report.css">
<script src="/vendor/uPlot.iife.min.js" defer></script>
<script src="/report.js" defer></script>
</head>
<body>
<header>
  <div>
    <h1>${escape(campaign.name)} <code class="id">${escape(campaign.campaignId)}</code></h1>
    <p class="sub">Campaign report · ${count(campaign.totalQuantity)} coupons · generated ${instant(report.generatedAt)}</p>
  </div>
  <nav>
    <a href="/">dashboard</a>
    <a href="/campaigns/${id}/report?format=json">JSON</a>
    <a href="/campaigns/${id}/report?format=csv">CSV</a>
  </nav>
</header>
<main>
<section class="tiles report-tiles">
  ${tile('applications', count(report.applications), 'every answer counted, all outcomes', ' data-figure="applications"')}
  ${tile('time to sell out', soldOut, `first grant ${instant(sellOut.firstGrantAt)}<br>last grant ${instant(sellOut.lastGrantAt)}`, ' data-figure="sell-out"')}
  ${withoutRowTile(grants)}
  ${tile('grant → row delay', `${delay.p50Ms ?? '—'} / ${delay.p99Ms ?? '—'} / ${delay.maxMs ?? '—'} ms`, `p50 / p99 / max of ${count(delay.samples)} coupons`, ' data-figure="delay"')}
  ${tile('peak in flight', count(report.peakInFlight), `apply calls at once · ${report.processes.length} API process(es)`, ' data-figure="in-flight"')}
  ${tile('persistence audit', count(grants.auditReemitted), 'grants it found without a row and re-emitted', ' data-figure="audit"')}
</section>
<section class="card">
  <div class="card-head"><h2>Answers per second</h2><span class="hint" id="zone-answers"></span></div>
  <div class="chart" id="chart-answers" data-drawn="0"></div>
</section>
<section class="card two">
  <div>
    <div class="card-head"><h2>Grant → row delay</h2><span class="hint">coupons per bucket (its upper bound in ms)</span></div>
    <div class="chart" id="chart-delays" data-drawn="0"></div>
  </div>
  <div>
    <div class="card-head"><h2>Apply calls in flight</h2><span class="hint">peak per second</span></div>
    <div class="chart" id="chart-in-flight" data-drawn="0"></div>
  </div>
</section>
<section class="card">
  <div class="card-head"><h2>Answers by code</h2><span class="hint">refusals are every row but 201</span></div>
  <div class="table-scroll"><table id="answers"><thead><tr><th class="num">status</th><th>code</th><th class="num">answers</th><th class="num">share</th></tr></thead><tbody>${answerRows || '<tr class="empty"><td colspan="4">no answer counted yet</td></tr>'}</tbody></table></div>
</section>
<section class="card">
  <div class="card-head"><h2>API processes that served it</h2><span class="hint">host:pid</span></div>
  <div class="table-scroll"><table id="processes"><thead><tr><th>process</th><th class="num">answers</th><th>first second</th><th>last second</th><th class="num">peak in flight</th></tr></thead><tbody>${processRows || '<tr class="empty"><td colspan="5">none yet</td></tr>'}</tbody></table></div>
</section>
<section class="card notes">
  <h2>What the figures mean</h2>
  <dl>
    <dt>applications</dt><dd>Every apply answer the API processes counted for this campaign, whatever it was. Counted in each process's memory and added to MySQL once a second.</dd>
    <dt>time to sell out</dt><dd>From the first grant to the last one, once the ledger counts every coupon granted. The first sold-out answer was ${instant(sellOut.firstSoldOutAnswerAt)}.</dd>
    <dt>answered 201 without a row</dt><dd>Grants the ledger counts minus rows in MySQL, read when this page was made. Grants still on their way (outbox, Kafka, consumer) count for a second or two; after that it must be 0.</dd>
    <dt>persistence audit</dt><dd>Grants the API's audit found in the ledger without a MySQL row, older than its grace period with nothing in flight, and re-emitted through the normal path, each becoming its row. 0 unless Kafka or MySQL lost something it had acknowledged.</dd>
    <dt>grant → row delay</dt><dd>${escape(delay.method)}</dd>
    <dt>peak in flight</dt><dd>The most apply calls a process had started and not answered at once, summed over the processes of the same second (an upper bound with several).</dd>
  </dl>
</section>
</main>
<footer>Times are in UTC, and in your own zone where the page's script runs · the same data: <a href="/campaigns/${id}/report?format=json">JSON</a>, <a href="/campaigns/${id}/report?format=csv">CSV</a></footer>
<script type="application/json" id="report-data">${embedded(report)}</script>
</body>
</html>
`;
}
