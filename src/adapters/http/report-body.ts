import { z } from '@hono/zod-openapi';
import type { ApplyOutcome } from '../../application/issue/apply-for-coupon.ts';
import type { CampaignReport } from '../../application/report/get-campaign-report.ts';
import { CAMPAIGN_NOT_FOUND, CAMPAIGN_PAUSED, LEDGER_NOT_READY } from './error-messages.ts';

/**
 * What each outcome was answered with (apply-outcome-response.ts is the one place that decides
 * it; this table says it again for the report, and the `Record` makes a new outcome a compile
 * error here too). `error` is a call that threw: a 503 with the dependency's own code.
 */
const ANSWERED: Record<ApplyOutcome['kind'] | 'error', { status: number; code: string }> = {
  issued: { status: 201, code: 'ISSUED' },
  'already-issued': { status: 409, code: 'ALREADY_ISSUED' },
  'sold-out': { status: 410, code: 'SOLD_OUT' },
  'not-open': { status: 403, code: 'NOT_OPEN' },
  closed: { status: 403, code: 'CLOSED' },
  paused: { status: 503, code: CAMPAIGN_PAUSED.code },
  'not-eligible': { status: 403, code: 'NOT_ELIGIBLE' },
  'unknown-campaign': { status: 404, code: CAMPAIGN_NOT_FOUND.code },
  'ledger-not-ready': { status: 503, code: LEDGER_NOT_READY.code },
  error: { status: 503, code: 'UNAVAILABLE' },
};

/** An outcome a newer process wrote and this one does not know: shown by its own name. */
export const answeredWith = (outcome: string) =>
  ANSWERED[outcome as keyof typeof ANSWERED] ?? {
    status: null,
    code: outcome.toUpperCase().replaceAll('-', '_'),
  };

/** Outcomes in the order a reader expects them: the grant first, then by status code. */
export function outcomeOrder(outcomes: Iterable<string>): string[] {
  return [...new Set(outcomes)].sort(
    (a, b) =>
      (answeredWith(a).status ?? 999) - (answeredWith(b).status ?? 999) ||
      (a < b ? -1 : a > b ? 1 : 0),
  );
}

export const DELAY_METHOD =
  'Fixed buckets, ten per decade (1, 2, 3, 4, 5, 6, 8, 10, 13, 16, 20, 25 … ms); a percentile ' +
  'is the upper bound of the bucket holding the nearest-rank coupon, capped by the exact maximum.';

const iso = (date: Date | undefined) => date?.toISOString() ?? null;
const instant = z.iso.datetime().nullable();

const Answer = z.object({
  outcome: z.string().openapi({ example: 'sold-out' }),
  status: z.number().int().nullable().openapi({ example: 410 }),
  code: z.string().openapi({ example: 'SOLD_OUT' }),
  count: z.number().int(),
});

export const CampaignReportSchema = z
  .object({
    campaign: z.object({
      campaignId: z.string(),
      name: z.string(),
      totalQuantity: z.number().int(),
      startsAt: instant,
      endsAt: instant,
    }),
    generatedAt: z.iso.datetime(),
    applications: z.number().int().openapi({ description: 'Apply answers counted, all outcomes' }),
    answers: z.array(Answer).openapi({ description: 'Answers over the whole life, by outcome' }),
    refusals: z.array(Answer).openapi({ description: 'The answers that were not a grant' }),
    sellOut: z.object({
      soldOut: z.boolean(),
      firstGrantAt: instant,
      lastGrantAt: instant,
      firstSoldOutAnswerAt: instant,
      timeToSellOutMs: z.number().int().nullable().openapi({
        description: 'First grant to last grant, once every coupon is granted',
      }),
    }),
    delay: z.object({
      samples: z.number().int(),
      p50Ms: z.number().int().nullable(),
      p99Ms: z.number().int().nullable(),
      maxMs: z.number().int().nullable(),
      method: z.string(),
      buckets: z.array(z.object({ leMs: z.number().int(), count: z.number().int() })),
    }),
    grants: z.object({
      issued: z.number().int().nullable().openapi({ description: 'Granted, by the ledger' }),
      rows: z.number().int().openapi({ description: 'Rows in MySQL' }),
      withoutRow: z.number().int().nullable().openapi({
        description: 'Answered 201 without a row: grants in flight, then 0 once persisted',
      }),
      auditReemitted: z
        .number()
        .int()
        .openapi({
          description:
            'Grants the persistence audit found without a row and re-emitted (each became its row); ' +
            'not 0 means Kafka or MySQL lost what it had acknowledged',
        }),
    }),
    peakInFlight: z.number().int(),
    processes: z.array(
      z.object({
        process: z.string(),
        answers: z.number().int(),
        from: z.iso.datetime(),
        to: z.iso.datetime(),
        peakInFlight: z.number().int(),
      }),
    ),
    perSecond: z.array(
      z.object({
        at: z.iso.datetime(),
        answers: z.record(z.string(), z.number().int()),
        peakInFlight: z.number().int(),
      }),
    ),
  })
  .openapi('CampaignReport');

export type CampaignReportBody = z.infer<typeof CampaignReportSchema>;

const atSecond = (second: number) => new Date(second * 1000).toISOString();

/** The report as the API answers it (JSON; the CSV and the page are made from this). */
export function campaignReportBody(report: CampaignReport): CampaignReportBody {
  const { campaign, sellOut, delays } = report;
  const answers = outcomeOrder(Object.keys(report.answers)).map((outcome) => ({
    outcome,
    ...answeredWith(outcome),
    count: report.answers[outcome] ?? 0,
  }));
  return {
    campaign: {
      campaignId: campaign.id,
      name: campaign.name,
      totalQuantity: campaign.totalQuantity,
      startsAt: iso(campaign.startsAt),
      endsAt: iso(campaign.endsAt),
    },
    generatedAt: report.generatedAt.toISOString(),
    applications: report.applications,
    answers,
    refusals: answers.filter((answer) => answer.outcome !== 'issued'),
    sellOut: {
      soldOut: sellOut.soldOut,
      firstGrantAt: iso(sellOut.firstGrantAt),
      lastGrantAt: iso(sellOut.lastGrantAt),
      firstSoldOutAnswerAt: iso(sellOut.firstSoldOutAnswerAt),
      timeToSellOutMs: sellOut.durationMs,
    },
    delay: {
      samples: delays.samples,
      p50Ms: delays.p50Ms,
      p99Ms: delays.p99Ms,
      maxMs: delays.maxMs,
      method: DELAY_METHOD,
      buckets: [...delays.buckets],
    },
    grants: { ...report.grants },
    peakInFlight: report.peakInFlight,
    processes: report.processes.map((p) => ({
      process: p.process,
      answers: p.answers,
      from: atSecond(p.firstSecond),
      to: atSecond(p.lastSecond),
      peakInFlight: p.peakInFlight,
    })),
    perSecond: report.seconds.map((s) => ({
      at: atSecond(s.second),
      answers: { ...s.answers },
      peakInFlight: s.peakInFlight,
    })),
  };
}
