import { isDraft } from '../../domain/campaign.ts';
import type { CampaignId } from '../../domain/ids.ts';
import type { CampaignRepository } from '../ports/campaign-repository.port.ts';
import type { Clock } from '../ports/clock.port.ts';
import type { LedgerAudit, LedgerAuditSnapshot, LedgerGrant } from '../ports/ledger-audit.port.ts';
import type { Logger } from '../ports/logger.port.ts';
import type { PersistenceBacklog } from '../ports/persistence-backlog.port.ts';
import type { RecordAudit } from '../ports/record-audit.port.ts';
import {
  cleanFinding,
  summarize,
  type AuditSummary,
  type PersistenceFinding,
  type RepairDeferral,
} from './persistence-finding.ts';

export interface AuditSettings {
  /** A grant younger than this is left alone: it is most likely still in flight. */
  readonly graceMs: number;
  /** Sequences per compared range. */
  readonly rangeSize: number;
  /** Mismatched ranges listed in detail per campaign and cycle (bounded work). */
  readonly maxRangesPerCycle: number;
  /** Grants re-emitted per campaign and cycle. */
  readonly maxRepairsPerCycle: number;
  /**
   * A campaign settled since its last clean audit has its rows counted again at most this often
   * (a loss in MySQL is then found within this, instead of within one interval).
   */
  readonly settledRecountMs: number;
  /** How long a process holds a campaign's audit once it starts one. */
  readonly leaseMs: number;
  /** This process's name on the lease. */
  readonly holder: string;
}

type Ready = Extract<LedgerAuditSnapshot, { kind: 'ready' }>;

/** What an operator's audit of one campaign came to. */
export type AuditOutcome =
  | { readonly kind: 'audited'; readonly finding: PersistenceFinding }
  /** The ledger cannot be audited as it is (see LedgerAuditSnapshot). */
  | {
      readonly kind: 'unavailable';
      readonly reason: Extract<LedgerAuditSnapshot, { kind: 'unavailable' }>['reason'];
    }
  /** Another process holds the campaign's audit lease: its own cycle repairs. */
  | { readonly kind: 'busy' };

/**
 * The persistence audit (anti-entropy, issue 22): the ledger's winners are the record of what was
 * promised, so every grant without a MySQL row is re-emitted through the normal path (outbox,
 * relay, log, the consumer's idempotent insert), keeping its own sequence and issuedAt. Kafka or
 * MySQL losing what they acknowledged (a lost topic, a lagging replica promoted, a restore) is
 * then repaired without an operator.
 *
 * - Never grants and never deletes: a re-emit is read from the ledger itself (LedgerAudit.reemit),
 *   and a row without a grant is counted and logged, never removed.
 * - Acts only on grants older than the grace period, and only while nothing is pending for the
 *   campaign in its outbox or unconsumed in the log: what is in flight is not missing.
 * - Cheap: a campaign already found equal at its current number of grants costs one ledger round
 *   trip (its snapshot) and its share of ONE grouped row count. Otherwise both sides are counted
 *   per sequence range, and only ranges whose counts differ are listed, a bounded number per cycle.
 * - One process audits a campaign at a time (a lease in the ledger's store).
 */
export class AuditPersistence {
  readonly #latest = new Map<CampaignId, PersistenceFinding>();
  /** When this process last counted each campaign's rows. */
  readonly #countedAt = new Map<CampaignId, number>();
  #repairs = 0;

  constructor(
    private readonly campaigns: CampaignRepository,
    private readonly ledger: LedgerAudit,
    private readonly records: RecordAudit,
    private readonly backlog: PersistenceBacklog,
    private readonly clock: Clock,
    private readonly logger: Logger,
    private readonly settings: AuditSettings,
  ) {}

  /**
   * One cycle over every campaign that is not a draft; returns what it found. The ledger is read
   * first (one snapshot per campaign) to learn which campaigns are settled since their last clean
   * audit and were counted less than `settledRecountMs` ago: those are left as they were, since
   * counting a campaign's rows scans its index (about 0.4 s for 1 M rows, docs/reliability.md).
   * The others' rows are counted in ONE grouped query, and only then is each one's ledger read
   * again and compared: rows counted before the grants can never include a grant made after,
   * which would look like a row without a grant.
   */
  async run(): Promise<PersistenceFinding[]> {
    const ids = (await this.campaigns.list()).filter((c) => !isDraft(c)).map((c) => c.id);
    const now = this.clock.now().getTime();
    const ready = new Map<CampaignId, Ready>();
    for (const campaignId of ids) {
      const snapshot = await this.ledger.snapshot(campaignId);
      if (snapshot.kind === 'ready') ready.set(campaignId, snapshot);
      else this.#latest.delete(campaignId);
    }
    const toCount = [...ready].filter(([campaignId, snapshot]) => {
      const settled =
        snapshot.auditedGrants === snapshot.grants && this.#latest.get(campaignId)?.clean;
      const countedAt = this.#countedAt.get(campaignId);
      return !(
        settled &&
        countedAt !== undefined &&
        now - countedAt < this.settings.settledRecountMs
      );
    });
    const rows =
      toCount.length > 0
        ? await this.records.counts(toCount.map(([id]) => id))
        : new Map<CampaignId, number>();
    for (const [campaignId] of toCount) this.#countedAt.set(campaignId, now);
    const findings: PersistenceFinding[] = [];
    for (const campaignId of ready.keys()) {
      const counted = toCount.some(([id]) => id === campaignId);
      const finding = counted
        ? await this.#auditOne(campaignId, rows.get(campaignId) ?? 0)
        : this.#latest.get(campaignId);
      if (finding) findings.push(finding);
    }
    return findings;
  }

  /**
   * One campaign, now (the operator's `npm run audit`), compared whatever the marks say. Only a
   * repair takes the lease (a report reads, and two readers harm nothing): `busy` when another
   * process holds it.
   */
  async audit(campaignId: CampaignId, repair: boolean): Promise<AuditOutcome> {
    const rows = (await this.records.counts([campaignId])).get(campaignId) ?? 0;
    const snapshot = await this.ledger.snapshot(campaignId);
    if (snapshot.kind !== 'ready') return { kind: 'unavailable', reason: snapshot.reason };
    if (repair && !(await this.#claim(campaignId))) return { kind: 'busy' };
    const finding = await this.#compare(campaignId, snapshot, rows, repair);
    this.#latest.set(campaignId, finding);
    return { kind: 'audited', finding };
  }

  /** The last finding of each campaign audited by this process. */
  findings(): PersistenceFinding[] {
    return [...this.#latest.values()];
  }

  /** Grants re-emitted by this process since it started. */
  repairs(): number {
    return this.#repairs;
  }

  /** The figures across campaigns, from the last findings (reads nothing). */
  summary(): AuditSummary {
    return summarize(this.findings(), this.#repairs);
  }

  async #auditOne(campaignId: CampaignId, rows: number): Promise<PersistenceFinding | undefined> {
    const snapshot = await this.ledger.snapshot(campaignId);
    if (snapshot.kind !== 'ready') {
      this.#latest.delete(campaignId);
      return undefined;
    }
    if (snapshot.grants === rows && snapshot.auditedGrants === snapshot.grants) {
      const clean = cleanFinding(campaignId, rows);
      this.#latest.set(campaignId, clean);
      return clean;
    }
    if (!(await this.#claim(campaignId))) return this.#latest.get(campaignId);
    const finding = await this.#compare(campaignId, snapshot, rows, true);
    this.#latest.set(campaignId, finding);
    return finding;
  }

  #claim(campaignId: CampaignId): Promise<boolean> {
    return this.ledger.claim(campaignId, this.settings.holder, this.settings.leaseMs);
  }

  async #compare(
    campaignId: CampaignId,
    snapshot: Ready,
    rows: number,
    repair: boolean,
  ): Promise<PersistenceFinding> {
    const { rangeSize, maxRangesPerCycle } = this.settings;
    const highest = snapshot.highest;
    const [granted, recorded] = await Promise.all([
      this.ledger.countByRange(campaignId, 1, highest, rangeSize),
      this.records.countByRange(campaignId, 1, highest, rangeSize),
    ]);
    const mismatched: number[] = [];
    let recordedInRanges = 0;
    granted.forEach((count, i) => {
      recordedInRanges += recorded[i] ?? 0;
      if (count !== (recorded[i] ?? 0)) mismatched.push(i);
    });
    // Rows past the highest sequence ever granted hold no grant, whoever wrote them.
    let foreign = Math.max(0, rows - recordedInRanges);
    const missing: LedgerGrant[] = [];
    const listed = mismatched.slice(0, maxRangesPerCycle);
    for (const index of listed) {
      const from = 1 + index * rangeSize;
      const to = Math.min(from + rangeSize - 1, highest);
      const [grants, held] = await Promise.all([
        this.ledger.grantsIn(campaignId, from, to),
        this.records.rowsIn(campaignId, from, to),
      ]);
      const rowBySequence = new Map(held.map((row) => [row.sequence, row.userId]));
      const granted = new Set<number>();
      for (const grant of grants) {
        granted.add(grant.sequence);
        if (rowBySequence.get(grant.sequence) !== grant.userId) missing.push(grant);
      }
      for (const row of held) {
        if (!granted.has(row.sequence)) foreign += 1;
      }
    }
    const now = this.clock.now().getTime();
    const oldest = missing.reduce((min, grant) => Math.min(min, grant.issuedAt.getTime()), now);
    const due = missing.filter((grant) => now - grant.issuedAt.getTime() >= this.settings.graceMs);
    const { repaired, deferred } = await this.#repair(campaignId, snapshot, due, missing, repair);
    const clean = mismatched.length === 0 && foreign === 0 && snapshot.grants === rows;
    if (clean) await this.ledger.markAudited(campaignId, snapshot.grants);
    const finding: PersistenceFinding = {
      campaignId,
      grants: snapshot.grants,
      rows,
      mismatchedRanges: mismatched.length,
      listedRanges: listed.length,
      missing: missing.length,
      oldestMissingAgeMs: now - oldest,
      foreign,
      repaired,
      ...(deferred ? { deferred } : {}),
      clean,
    };
    if (!clean) {
      this.logger.warn(
        { ...finding, missingSequences: missing.slice(0, 20).map((grant) => grant.sequence) },
        foreign > 0
          ? 'persistence audit: rows without a grant in the ledger (reported, never deleted)'
          : 'persistence audit: grants without a row',
      );
    }
    return finding;
  }

  async #repair(
    campaignId: CampaignId,
    snapshot: Ready,
    due: readonly LedgerGrant[],
    missing: readonly LedgerGrant[],
    repair: boolean,
  ): Promise<{ repaired: number; deferred?: RepairDeferral }> {
    if (missing.length === 0) return { repaired: 0 };
    if (due.length === 0) return { repaired: 0, deferred: 'grace' };
    if (!repair) return { repaired: 0, deferred: 'report-only' };
    if (snapshot.outboxDepth > 0) return { repaired: 0, deferred: 'outbox' };
    let pending: number;
    try {
      pending = await this.backlog.pending();
    } catch {
      return { repaired: 0, deferred: 'log-unknown' };
    }
    if (pending > 0) return { repaired: 0, deferred: 'log' };
    const sequences = due.slice(0, this.settings.maxRepairsPerCycle).map((g) => g.sequence);
    const repaired = await this.ledger.reemit(campaignId, sequences);
    this.#repairs += repaired;
    this.logger.info(
      { campaignId, repaired, missing: missing.length },
      'persistence audit: re-emitted grants without a row',
    );
    return { repaired };
  }
}
