import type {
  CampaignReportRecord,
  CampaignReportStore,
  CampaignTally,
  RecentSecond,
} from '../../application/ports/campaign-report-store.port.ts';
import type { CampaignId } from '../../domain/ids.ts';

interface Kept {
  /** second → outcome → count */
  readonly answers: Map<number, Map<string, number>>;
  /** second → process → its peak in flight and answers */
  readonly processes: Map<number, Map<string, { answers: number; peak: number }>>;
  readonly delays: Map<number, number>;
  delayMaxMs: number | undefined;
  firstGrantAt: number | undefined;
  lastGrantAt: number | undefined;
  firstSoldOutAt: number | undefined;
  auditReemitted: number;
}

const sum = (answers: Readonly<Record<string, number>>) =>
  Object.values(answers).reduce((total, n) => total + n, 0);
const earliest = (a: number | undefined, b: Date | undefined) =>
  b === undefined ? a : a === undefined ? b.getTime() : Math.min(a, b.getTime());
const latest = (a: number | undefined, b: Date | undefined) =>
  b === undefined ? a : a === undefined ? b.getTime() : Math.max(a, b.getTime());
const dateOf = (ms: number | undefined) => (ms === undefined ? undefined : new Date(ms));

/** The report store in process memory (embedded mode and the fast tests): the same sums. */
export class InMemoryCampaignReportStore implements CampaignReportStore {
  readonly #campaigns = new Map<CampaignId, Kept>();

  async add(process: string, tallies: readonly CampaignTally[]): Promise<void> {
    for (const tally of tallies) {
      const kept = this.#kept(tally.campaignId);
      const answered = sum(tally.answers);
      if (answered > 0) {
        const answers = getOrSet(kept.answers, tally.second, () => new Map<string, number>());
        for (const [outcome, count] of Object.entries(tally.answers)) {
          answers.set(outcome, (answers.get(outcome) ?? 0) + count);
        }
        const processes = getOrSet(
          kept.processes,
          tally.second,
          () => new Map<string, { answers: number; peak: number }>(),
        );
        const mine = getOrSet(processes, process, () => ({ answers: 0, peak: 0 }));
        mine.answers += answered;
        mine.peak = Math.max(mine.peak, tally.peakInFlight);
      }
      for (const [bound, count] of Object.entries(tally.delays)) {
        kept.delays.set(Number(bound), (kept.delays.get(Number(bound)) ?? 0) + count);
      }
      if (tally.delayMaxMs !== undefined) {
        kept.delayMaxMs = Math.max(kept.delayMaxMs ?? 0, tally.delayMaxMs);
      }
      kept.firstGrantAt = earliest(kept.firstGrantAt, tally.firstGrantAt);
      kept.lastGrantAt = latest(kept.lastGrantAt, tally.lastGrantAt);
      kept.firstSoldOutAt = earliest(kept.firstSoldOutAt, tally.firstSoldOutAt);
      kept.auditReemitted += tally.reemitted ?? 0;
    }
  }

  async read(campaignId: CampaignId): Promise<CampaignReportRecord> {
    const kept = this.#campaigns.get(campaignId);
    if (!kept) {
      return {
        seconds: [],
        processes: [],
        delays: {},
        delayMaxMs: undefined,
        firstGrantAt: undefined,
        lastGrantAt: undefined,
        firstSoldOutAt: undefined,
        auditReemitted: 0,
      };
    }
    const seconds = [...kept.answers.keys()].sort((a, b) => a - b);
    const byProcess = new Map<
      string,
      { answers: number; first: number; last: number; peak: number }
    >();
    for (const second of seconds) {
      for (const [process, { answers, peak }] of kept.processes.get(second) ?? []) {
        const row = getOrSet(byProcess, process, () => ({
          answers: 0,
          first: second,
          last: second,
          peak: 0,
        }));
        row.answers += answers;
        row.last = second;
        row.peak = Math.max(row.peak, peak);
      }
    }
    return {
      seconds: seconds.map((second) => ({
        second,
        answers: Object.fromEntries(kept.answers.get(second) ?? []),
        peakInFlight: [...(kept.processes.get(second)?.values() ?? [])].reduce(
          (total, p) => total + p.peak,
          0,
        ),
      })),
      processes: [...byProcess]
        .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
        .map(([process, row]) => ({
          process,
          answers: row.answers,
          firstSecond: row.first,
          lastSecond: row.last,
          peakInFlight: row.peak,
        })),
      delays: Object.fromEntries(kept.delays),
      delayMaxMs: kept.delayMaxMs,
      firstGrantAt: dateOf(kept.firstGrantAt),
      lastGrantAt: dateOf(kept.lastGrantAt),
      firstSoldOutAt: dateOf(kept.firstSoldOutAt),
      auditReemitted: kept.auditReemitted,
    };
  }

  async recent(sinceSecond: number): Promise<readonly RecentSecond[]> {
    const recent: RecentSecond[] = [];
    for (const [campaignId, kept] of this.#campaigns) {
      for (const [second, answers] of kept.answers) {
        if (second >= sinceSecond) {
          recent.push({ campaignId, second, answers: Object.fromEntries(answers) });
        }
      }
    }
    return recent.sort(
      (a, b) =>
        a.second - b.second ||
        (a.campaignId < b.campaignId ? -1 : a.campaignId > b.campaignId ? 1 : 0),
    );
  }

  #kept(campaignId: CampaignId): Kept {
    return getOrSet(this.#campaigns, campaignId, () => ({
      answers: new Map(),
      processes: new Map(),
      delays: new Map(),
      delayMaxMs: undefined,
      firstGrantAt: undefined,
      lastGrantAt: undefined,
      firstSoldOutAt: undefined,
      auditReemitted: 0,
    }));
  }
}

function getOrSet<K, V>(map: Map<K, V>, key: K, make: () => V): V {
  let value = map.get(key);
  if (value === undefined) {
    value = make();
    map.set(key, value);
  }
  return value;
}
