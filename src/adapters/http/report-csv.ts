import { outcomeOrder, type CampaignReportBody } from './report-body.ts';

/**
 * A CSV field: quoted when it holds a comma, a quote or a line break (RFC 4180), and a text that
 * a spreadsheet would run as a formula (`=`, `+`, `-`, `@`) is kept as text with a leading `'`.
 */
function field(value: string | number | null): string {
  if (value === null) return '';
  let text = String(value);
  if (typeof value === 'string' && /^[=+\-@\t\r]/.test(text)) text = `'${text}`;
  return /[",\r\n]/.test(text) ? `"${text.replaceAll('"', '""')}"` : text;
}

/**
 * The report as CSV: one row per second with one column per outcome and the peak in flight (the
 * table to chart or sum in a spreadsheet), preceded by the report's single figures as `#` lines,
 * which CSV readers skip as comments (pandas `comment='#'`, `grep -v '^#'`) and a person reads.
 */
export function campaignReportCsv(report: CampaignReportBody): string {
  const { campaign, sellOut, delay, grants } = report;
  const figures: [string, string | number | null][] = [
    ['campaign', campaign.campaignId],
    ['name', campaign.name],
    ['total_quantity', campaign.totalQuantity],
    ['generated_at', report.generatedAt],
    ['applications', report.applications],
    ...report.answers.map(
      (a) => [`answered_${a.status ?? 'other'}_${a.code}`, a.count] as [string, number],
    ),
    ['issued_by_ledger', grants.issued],
    ['rows_in_mysql', grants.rows],
    ['answered_201_without_row', grants.withoutRow],
    ['audit_reemitted', grants.auditReemitted],
    ['first_grant_at', sellOut.firstGrantAt],
    ['last_grant_at', sellOut.lastGrantAt],
    ['first_sold_out_answer_at', sellOut.firstSoldOutAnswerAt],
    ['time_to_sell_out_ms', sellOut.timeToSellOutMs],
    ['delay_samples', delay.samples],
    ['delay_p50_ms_at_most', delay.p50Ms],
    ['delay_p99_ms_at_most', delay.p99Ms],
    ['delay_max_ms', delay.maxMs],
    ['peak_in_flight', report.peakInFlight],
    ['processes', report.processes.map((p) => p.process).join(' ')],
  ];
  const outcomes = outcomeOrder(report.perSecond.flatMap((s) => Object.keys(s.answers)));
  const lines = [
    ...figures.map(([name, value]) => `# ${name},${field(value)}`),
    ['at', ...outcomes, 'peak_in_flight'].join(','),
    ...report.perSecond.map((s) =>
      [s.at, ...outcomes.map((o) => s.answers[o] ?? 0), s.peakInFlight].join(','),
    ),
  ];
  return `${lines.join('\r\n')}\r\n`;
}
