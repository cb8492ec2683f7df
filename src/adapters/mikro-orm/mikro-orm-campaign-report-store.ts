import type { MikroORM, SqlEntityManager } from '@mikro-orm/mysql';
import type {
  CampaignReportRecord,
  CampaignReportStore,
  CampaignTally,
  RecentSecond,
} from '../../application/ports/campaign-report-store.port.ts';
import type { CampaignId } from '../../domain/ids.ts';
import { withStoreErrors } from './map-store-error.ts';

/** Rows per statement: far below max_allowed_packet, and a flush rarely has more than a few. */
const CHUNK_ROWS = 1000;

type Row = readonly unknown[];

interface Upsert {
  readonly table: string;
  readonly columns: readonly string[];
  /** `col = <expression over col and values(col)>`: how a row already there takes the new one. */
  readonly merge: string;
}

// VALUES(col) rather than MySQL 8's row alias: MariaDB 10.11 knows only the former, and MySQL 8
// still accepts it (with a deprecation note). LEAST/GREATEST return NULL when either side is
// NULL, hence the COALESCE: a NULL instant never wipes a known one.
const earliest = (c: string) =>
  `\`${c}\` = coalesce(least(\`${c}\`, values(\`${c}\`)), \`${c}\`, values(\`${c}\`))`;
const latest = (c: string) =>
  `\`${c}\` = coalesce(greatest(\`${c}\`, values(\`${c}\`)), \`${c}\`, values(\`${c}\`))`;

const ANSWERS: Upsert = {
  table: 'campaign_report_answer',
  columns: ['campaign_id', 'at_second', 'outcome', 'answers'],
  merge: '`answers` = `answers` + values(`answers`)',
};
const PROCESSES: Upsert = {
  table: 'campaign_report_process',
  columns: ['campaign_id', 'at_second', 'process', 'answers', 'peak_in_flight'],
  merge:
    '`answers` = `answers` + values(`answers`), ' +
    '`peak_in_flight` = greatest(`peak_in_flight`, values(`peak_in_flight`))',
};
const DELAYS: Upsert = {
  table: 'campaign_report_delay',
  columns: ['campaign_id', 'le_ms', 'coupons'],
  merge: '`coupons` = `coupons` + values(`coupons`)',
};
const MOMENTS: Upsert = {
  table: 'campaign_report_moment',
  columns: [
    'campaign_id',
    'first_grant_at',
    'last_grant_at',
    'first_sold_out_at',
    'delay_max_ms',
    'audit_reemitted',
  ],
  merge: [
    earliest('first_grant_at'),
    latest('last_grant_at'),
    earliest('first_sold_out_at'),
    latest('delay_max_ms'),
    '`audit_reemitted` = `audit_reemitted` + values(`audit_reemitted`)',
  ].join(', '),
};

function statements(upsert: Upsert, rows: readonly Row[]): { sql: string; params: unknown[] }[] {
  // Sorted by key, like the coupon insert: processes flushing the same rows at once take their
  // locks in one order and never deadlock each other.
  const sorted = [...rows].sort(compareRows);
  const out: { sql: string; params: unknown[] }[] = [];
  const columns = upsert.columns.map((c) => `\`${c}\``).join(', ');
  const tuple = `(${upsert.columns.map(() => '?').join(', ')})`;
  for (let start = 0; start < sorted.length; start += CHUNK_ROWS) {
    const chunk = sorted.slice(start, start + CHUNK_ROWS);
    out.push({
      sql:
        `insert into \`${upsert.table}\` (${columns}) values ${chunk.map(() => tuple).join(', ')} ` +
        `on duplicate key update ${upsert.merge}`,
      params: chunk.flat(),
    });
  }
  return out;
}

function compareRows(a: Row, b: Row): number {
  for (let i = 0; i < Math.min(a.length, b.length); i += 1) {
    const [x, y] = [key(a[i]), key(b[i])];
    if (x !== y) return x < y ? -1 : 1;
  }
  return 0;
}
const key = (value: unknown) => (value instanceof Date ? value.getTime() : String(value));

const secondDate = (second: number) => new Date(second * 1000);
/** DATETIME comes back as a string (the ORM sets mysql2's dateStrings), in UTC (its session). */
const instant = (value: string | null) =>
  value === null ? undefined : new Date(`${value.replace(' ', 'T')}Z`);
const secondOf = (value: string) => Math.floor(instant(value)!.getTime() / 1000);

/** The report in MySQL/MariaDB: four small tables, one transaction of upserts per flush. */
export class MikroOrmCampaignReportStore implements CampaignReportStore {
  constructor(private readonly orm: MikroORM) {}

  async add(process: string, tallies: readonly CampaignTally[]): Promise<void> {
    const answers: Row[] = [];
    const processes: Row[] = [];
    const delays: Row[] = [];
    const moments: Row[] = [];
    for (const t of tallies) {
      const at = secondDate(t.second);
      let answered = 0;
      for (const [outcome, count] of Object.entries(t.answers)) {
        answers.push([t.campaignId, at, outcome, count]);
        answered += count;
      }
      if (answered > 0) processes.push([t.campaignId, at, process, answered, t.peakInFlight]);
      for (const [bound, count] of Object.entries(t.delays)) {
        delays.push([t.campaignId, Number(bound), count]);
      }
      const reemitted = t.reemitted ?? 0;
      const moment = t.firstGrantAt || t.lastGrantAt || t.firstSoldOutAt;
      if (moment || t.delayMaxMs !== undefined || reemitted > 0) {
        moments.push([
          t.campaignId,
          t.firstGrantAt ?? null,
          t.lastGrantAt ?? null,
          t.firstSoldOutAt ?? null,
          t.delayMaxMs ?? null,
          reemitted,
        ]);
      }
    }
    const all = [
      ...statements(ANSWERS, answers),
      ...statements(PROCESSES, processes),
      ...statements(DELAYS, delays),
      ...statements(MOMENTS, moments),
    ];
    if (all.length === 0) return;
    await withStoreErrors(() =>
      // One transaction: a flush adds all of its counts or none, so a retry never adds half twice.
      this.orm.em.fork().transactional(async (tx: SqlEntityManager) => {
        for (const { sql, params } of all) await tx.execute(sql, params, 'run');
      }),
    );
  }

  async read(campaignId: CampaignId): Promise<CampaignReportRecord> {
    return withStoreErrors(async () => {
      const em = this.orm.em.fork();
      const query = <T>(sql: string) => em.execute<T[]>(sql, [campaignId], 'all');
      const [answers, processes, delays, moments] = await Promise.all([
        query<{ at_second: string; outcome: string; answers: string | number }>(
          'select `at_second`, `outcome`, `answers` from `campaign_report_answer` ' +
            'where `campaign_id` = ? order by `at_second`',
        ),
        query<{ at_second: string; process: string; answers: string | number; peak: number }>(
          'select `at_second`, `process`, `answers`, `peak_in_flight` as `peak` ' +
            'from `campaign_report_process` where `campaign_id` = ? order by `at_second`, `process`',
        ),
        query<{ le_ms: number; coupons: string | number }>(
          'select `le_ms`, `coupons` from `campaign_report_delay` where `campaign_id` = ?',
        ),
        query<{
          first_grant_at: string | null;
          last_grant_at: string | null;
          first_sold_out_at: string | null;
          delay_max_ms: number | null;
          audit_reemitted: string | number;
        }>(
          'select `first_grant_at`, `last_grant_at`, `first_sold_out_at`, `delay_max_ms`, ' +
            '`audit_reemitted` ' +
            'from `campaign_report_moment` where `campaign_id` = ?',
        ),
      ]);
      const seconds = new Map<number, { answers: Record<string, number>; peak: number }>();
      for (const row of answers) {
        const second = secondOf(row.at_second);
        const entry = seconds.get(second) ?? { answers: {}, peak: 0 };
        entry.answers[row.outcome] = Number(row.answers);
        seconds.set(second, entry);
      }
      const byProcess = new Map<
        string,
        { answers: number; first: number; last: number; peak: number }
      >();
      for (const row of processes) {
        const second = secondOf(row.at_second);
        const entry = seconds.get(second);
        if (entry) entry.peak += Number(row.peak);
        const mine = byProcess.get(row.process) ?? {
          answers: 0,
          first: second,
          last: second,
          peak: 0,
        };
        mine.answers += Number(row.answers);
        mine.last = Math.max(mine.last, second);
        mine.peak = Math.max(mine.peak, Number(row.peak));
        byProcess.set(row.process, mine);
      }
      const [moment] = moments;
      return {
        seconds: [...seconds]
          .sort(([a], [b]) => a - b)
          .map(([second, { answers: counts, peak }]) => ({
            second,
            answers: counts,
            peakInFlight: peak,
          })),
        processes: [...byProcess]
          .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
          .map(([name, row]) => ({
            process: name,
            answers: row.answers,
            firstSecond: row.first,
            lastSecond: row.last,
            peakInFlight: row.peak,
          })),
        delays: Object.fromEntries(delays.map((row) => [row.le_ms, Number(row.coupons)])),
        delayMaxMs: moment?.delay_max_ms ?? undefined,
        firstGrantAt: instant(moment?.first_grant_at ?? null),
        lastGrantAt: instant(moment?.last_grant_at ?? null),
        firstSoldOutAt: instant(moment?.first_sold_out_at ?? null),
        auditReemitted: Number(moment?.audit_reemitted ?? 0),
      };
    });
  }

  async recent(sinceSecond: number): Promise<readonly RecentSecond[]> {
    return withStoreErrors(async () => {
      const rows = await this.orm.em
        .fork()
        .execute<{ campaign_id: string; at_second: string; outcome: string; answers: string }[]>(
          'select `campaign_id`, `at_second`, `outcome`, `answers` from `campaign_report_answer` ' +
            'where `at_second` >= ? order by `at_second`, `campaign_id`',
          [secondDate(sinceSecond)],
          'all',
        );
      const recent: { campaignId: CampaignId; second: number; answers: Record<string, number> }[] =
        [];
      for (const row of rows) {
        const second = secondOf(row.at_second);
        let last = recent[recent.length - 1];
        if (!last || last.second !== second || last.campaignId !== row.campaign_id) {
          last = { campaignId: row.campaign_id as CampaignId, second, answers: {} };
          recent.push(last);
        }
        last.answers[row.outcome] = Number(row.answers);
      }
      return recent;
    });
  }
}
