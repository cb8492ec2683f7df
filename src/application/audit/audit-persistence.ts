import { isDraft, type Campaign } from '../../domain/campaign.ts';
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

/** Where re-emitted grants are counted for the campaign's report (its ReportTally). */
export interface ReemissionCount {
  reemitted(campaignId: CampaignId, count: number): void;
}

type Ready = Extract<LedgerAuditSnapshot, { kind: 'ready' }>;

/** A campaign left out of the cycles: settled, and found clean at `grants` under `rules`. */
interface Quiet {
  readonly grants: number;
  /** The catalog's definition it settled under: a change of it (new stock, a new window) wakes it. */
  readonly rules: string;
  /** When its rows were last counted (the recount's clock). */
  countedAt: number;
}

/** What of a campaign's definition can change whether it grants again. */
function rulesOf(campaign: Campaign): string {
  return JSON.stringify([
    campaign.totalQuantity,
    campaign.perUserLimit,
    campaign.startsAt?.getTime(),
    campaign.endsAt?.getTime(),
    campaign.paused,
    campaign.state,
    campaign.eligibility,
    campaign.openingShuffleMs,
  ]);
}

/** It can grant nothing more, to anyone, until something changes it: ended, or sold out. */
function isSettled(campaign: Campaign, snapshot: Ready, now: number): boolean {
  const ended = campaign.endsAt !== undefined && now >= campaign.endsAt.getTime();
  return ended || snapshot.highest - snapshot.returned >= campaign.totalQuantity;
}

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
 * - Cheap: a campaign that is settled (ended, or sold out) and was found clean is left QUIET: it
 *   costs no ledger command at all per cycle (issue 28: 1,000 finished campaigns used to cost
 *   ~1,600 Redis commands per second here), only its share of ONE grouped row count every
 *   `settledRecountMs`. It is audited again when something happens to it: a grant, revocation or
 *   re-emit (LedgerAudit.changes: the outbox activity every such change marks, and this process's
 *   own signal), a new ledger run (a restart, failover or restored backup: the readiness fence's
 *   run_id), a change of its definition in the catalog (new stock, a new window), or a recount
 *   that differs from the grants it was found clean at (MySQL lost rows). Any other campaign costs
 *   one ledger round trip (its snapshot) and its share of ONE grouped row count per cycle; when
 *   the counts differ, both sides are counted per sequence range, and only ranges whose counts
 *   differ are listed, a bounded number per cycle.
 * - One process audits a campaign at a time (a lease in the ledger's store).
 */
export class AuditPersistence {
  readonly #latest = new Map<CampaignId, PersistenceFinding>();
  /** When this process last counted each campaign's rows. */
  readonly #countedAt = new Map<CampaignId, number>();
  /** Settled, clean campaigns: not read from the ledger until something changes them. */
  readonly #quiet = new Map<CampaignId, Quiet>();
  /** The ledger run the quiet campaigns were found clean under. */
  #run: string | undefined;
  #repairs = 0;

  constructor(
    private readonly campaigns: CampaignRepository,
    private readonly ledger: LedgerAudit,
    private readonly records: RecordAudit,
    private readonly backlog: PersistenceBacklog,
    private readonly clock: Clock,
    private readonly logger: Logger,
    private readonly settings: AuditSettings,
    private readonly report: ReemissionCount,
  ) {}

  /**
   * One cycle over every campaign that is not a draft; returns what it found.
   *
   * Quiet campaigns first (see the class): ONE read of the ledger's changes wakes those something
   * happened to, and those due for a recount have their rows counted in ONE grouped query; a count
   * that differs from the grants they were found clean at wakes them too. The others are read from
   * the ledger (one snapshot per campaign) to learn which are settled since their last clean audit
   * and were counted less than `settledRecountMs` ago: those are left as they were, since counting
   * a campaign's rows scans its index (about 0.4 s for 1 M rows, docs/reliability.md). The rest's
   * rows are counted in ONE grouped query, and only then is each one's ledger read again and
   * compared: rows counted before the grants can never include a grant made after, which would
   * look like a row without a grant.
   */
  async run(): Promise<PersistenceFinding[]> {
    const campaigns = (await this.campaigns.list()).filter((c) => !isDraft(c));
    const now = this.clock.now().getTime();
    await this.#wakeChanged(campaigns, now);
    const byId = new Map(campaigns.map((c) => [c.id, c]));
    const ids = campaigns.filter((c) => !this.#quiet.has(c.id)).map((c) => c.id);
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
    for (const campaign of campaigns) {
      const campaignId = campaign.id;
      const snapshot = ready.get(campaignId);
      if (!snapshot) {
        const quiet = this.#quiet.has(campaignId) ? this.#latest.get(campaignId) : undefined;
        if (quiet) findings.push(quiet);
        continue;
      }
      const counted = toCount.some(([id]) => id === campaignId);
      const finding = counted
        ? await this.#auditOne(byId.get(campaignId)!, rows.get(campaignId) ?? 0, now)
        : this.#latest.get(campaignId);
      if (!counted && finding) this.#quietIfSettled(campaign, snapshot, finding, now);
      if (finding) findings.push(finding);
    }
    return findings;
  }

  /**
   * Wakes the quiet campaigns something happened to (see the class), in one ledger read and, when
   * a recount is due, one grouped row count for all of them.
   */
  async #wakeChanged(campaigns: readonly Campaign[], now: number): Promise<void> {
    const changes = await this.ledger.changes();
    if (changes.run !== this.#run) this.#quiet.clear();
    this.#run = changes.run;
    const listed = new Set<CampaignId>();
    const due: CampaignId[] = [];
    for (const campaign of campaigns) {
      listed.add(campaign.id);
      const quiet = this.#quiet.get(campaign.id);
      if (!quiet) continue;
      if (changes.touched.has(campaign.id) || quiet.rules !== rulesOf(campaign)) {
        this.#wake(campaign.id);
      } else if (now - quiet.countedAt >= this.settings.settledRecountMs) {
        due.push(campaign.id);
      }
    }
    // A campaign gone from the catalog (or back to draft) is not audited: nothing to keep.
    for (const campaignId of this.#quiet.keys())
      if (!listed.has(campaignId)) this.#wake(campaignId);
    if (due.length === 0) return;
    const rows = await this.records.counts(due);
    for (const campaignId of due) {
      const quiet = this.#quiet.get(campaignId)!;
      if ((rows.get(campaignId) ?? 0) === quiet.grants) quiet.countedAt = now;
      else this.#wake(campaignId);
    }
  }

  /** Back under audit: compared at this very cycle (its rows counted again, its ledger read). */
  #wake(campaignId: CampaignId): void {
    this.#quiet.delete(campaignId);
    this.#countedAt.delete(campaignId);
  }

  /** Leaves the campaign out of the next cycles when it is settled and was just found clean. */
  #quietIfSettled(
    campaign: Campaign,
    snapshot: Ready,
    finding: PersistenceFinding,
    now: number,
  ): void {
    const clean =
      finding.clean && finding.grants === snapshot.grants && finding.rows === snapshot.grants;
    if (!clean || !isSettled(campaign, snapshot, now)) return;
    this.#quiet.set(campaign.id, {
      grants: snapshot.grants,
      rules: rulesOf(campaign),
      countedAt: this.#countedAt.get(campaign.id) ?? now,
    });
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
    if (!finding.clean) this.#wake(campaignId);
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

  async #auditOne(
    campaign: Campaign,
    rows: number,
    now: number,
  ): Promise<PersistenceFinding | undefined> {
    const campaignId = campaign.id;
    const snapshot = await this.ledger.snapshot(campaignId);
    if (snapshot.kind !== 'ready') {
      this.#latest.delete(campaignId);
      return undefined;
    }
    if (snapshot.grants === rows && snapshot.auditedGrants === snapshot.grants) {
      const clean = cleanFinding(campaignId, rows);
      this.#latest.set(campaignId, clean);
      this.#quietIfSettled(campaign, snapshot, clean, now);
      return clean;
    }
    if (!(await this.#claim(campaignId))) return this.#latest.get(campaignId);
    const finding = await this.#compare(campaignId, snapshot, rows, true);
    this.#latest.set(campaignId, finding);
    this.#quietIfSettled(campaign, snapshot, finding, now);
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
    if (repaired > 0) this.report.reemitted(campaignId, repaired);
    this.logger.info(
      { campaignId, repaired, missing: missing.length },
      'persistence audit: re-emitted grants without a row',
    );
    return { repaired };
  }
}
