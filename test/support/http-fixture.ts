import type { OpenAPIHono } from '@hono/zod-openapi';
import { createHttpApp } from '../../src/adapters/http/app.ts';
import type { RateLimits } from '../../src/adapters/http/rate-limit.ts';
import { InMemoryCampaignReportStore } from '../../src/adapters/memory/in-memory-campaign-report-store.ts';
import { InMemoryCampaignRepository } from '../../src/adapters/memory/in-memory-campaign-repository.ts';
import { InMemoryCouponLog } from '../../src/adapters/memory/in-memory-coupon-log.ts';
import { InMemoryCouponRepository } from '../../src/adapters/memory/in-memory-coupon-repository.ts';
import { InMemoryFailedIssuanceRepository } from '../../src/adapters/memory/in-memory-failed-issuance-repository.ts';
import { InMemoryIssuanceLedger } from '../../src/adapters/memory/in-memory-issuance-ledger.ts';
import { InMemoryIssuanceOutbox } from '../../src/adapters/memory/in-memory-issuance-outbox.ts';
import { InMemoryLedgerStore } from '../../src/adapters/memory/in-memory-ledger-store.ts';
import { InMemoryLedgerRecovery } from '../../src/adapters/memory/in-memory-ledger-recovery.ts';
import { InMemoryPersistenceMarks } from '../../src/adapters/memory/in-memory-persistence-marks.ts';
import { CachedCampaignRepository } from '../../src/application/read/cached-campaign-repository.ts';
import { MarkingCouponRepository } from '../../src/application/read/marking-coupon-repository.ts';
import { PersistedRecord } from '../../src/application/read/persisted-record.ts';
import { SystemClock } from '../../src/adapters/system/system-clock.ts';
import { ApplyForCoupon } from '../../src/application/issue/apply-for-coupon.ts';
import { ChangeCampaign } from '../../src/application/operate/change-campaign.ts';
import { CreateCampaign } from '../../src/application/operate/create-campaign.ts';
import { ManageAllowlist } from '../../src/application/operate/manage-allowlist.ts';
import { PublishCampaign } from '../../src/application/operate/publish-campaign.ts';
import { ReadAuditTrail } from '../../src/application/operate/read-audit-trail.ts';
import { RevokeCoupon } from '../../src/application/operate/revoke-coupon.ts';
import { ExportCoupons } from '../../src/application/read/export-coupons.ts';
import { InMemoryAllowlist } from '../../src/adapters/memory/in-memory-allowlist.ts';
import { InMemoryLedgerControls } from '../../src/adapters/memory/in-memory-ledger-controls.ts';
import { openCampaign } from '../../scripts/lib/open-campaign.ts';
import { LedgerUnavailableError } from '../../src/application/errors.ts';
import { GetCampaignSummary } from '../../src/application/read/get-campaign-summary.ts';
import { GetIssuanceStatus } from '../../src/application/read/get-issuance-status.ts';
import { ListCampaigns } from '../../src/application/read/list-campaigns.ts';
import { GetCampaignReport } from '../../src/application/report/get-campaign-report.ts';
import { ListRecentAnswers } from '../../src/application/report/list-recent-answers.ts';
import type { HealthCheck } from '../../src/application/ports/health-check.port.ts';
import type {
  ApplicantClaims,
  DefineOutcome,
  GrantLookup,
  IssuanceLedger,
  LedgerTally,
  Reservation,
  SettledAnswer,
} from '../../src/application/ports/issuance-ledger.port.ts';
import type {
  LedgerControls,
  RevokeOutcome,
} from '../../src/application/ports/ledger-controls.port.ts';
import type {
  LedgerRecovery,
  RestoreExtras,
} from '../../src/application/ports/ledger-recovery.port.ts';
import { LedgerReconciler } from '../../src/application/operate/ledger-reconciler.ts';
import { ReconcileLedger } from '../../src/application/operate/reconcile-ledger.ts';
import { RebuildLedger } from '../../src/application/operate/rebuild-ledger.ts';
import { RecordIssuedCoupons } from '../../src/application/persist/record-issued-coupons.ts';
import { RelayIssuedCoupons } from '../../src/application/relay/relay-issued-coupons.ts';
import { loadConfig } from '../../src/bootstrap/config.ts';
import type { Campaign } from '../../src/domain/campaign.ts';
import type { Coupon, Revocation } from '../../src/domain/coupon.ts';
import type { CampaignId, UserId } from '../../src/domain/ids.ts';
import { randomCampaignId } from './mothers.ts';
import { CapturingLogger } from './test-logger.ts';

export const ADMIN_TOKEN = 'test-admin-token-0123456789';

/**
 * Delegates to the real in-memory ledger until `goDown()`: then every call throws
 * LedgerUnavailableError, as the Redis adapter does when Redis cannot be reached.
 */
export class SwitchableLedger implements IssuanceLedger, LedgerControls {
  #down = false;

  constructor(
    private readonly inner: IssuanceLedger,
    private readonly controls: LedgerControls,
  ) {}

  goDown(): void {
    this.#down = true;
  }

  get isDown(): boolean {
    return this.#down;
  }

  comeBack(): void {
    this.#down = false;
  }

  private guard(): void {
    if (this.#down)
      throw new LedgerUnavailableError(new Error('connect ECONNREFUSED 127.0.0.1:6379'));
  }

  async define(campaign: Campaign): Promise<DefineOutcome> {
    this.guard();
    return this.inner.define(campaign);
  }

  async reserve(
    campaignId: CampaignId,
    userId: UserId,
    now: Date,
    claims?: ApplicantClaims,
  ): Promise<Reservation> {
    this.guard();
    return this.inner.reserve(campaignId, userId, now, claims);
  }

  async collect(
    campaignId: CampaignId,
    userId: UserId,
    appliedAt: Date,
    now: Date,
    claims?: ApplicantClaims,
  ): Promise<Reservation> {
    this.guard();
    return this.inner.collect(campaignId, userId, appliedAt, now, claims);
  }

  async findGrant(campaignId: CampaignId, userId: UserId): Promise<GrantLookup> {
    this.guard();
    return this.inner.findGrant(campaignId, userId);
  }

  async tally(campaignId: CampaignId): Promise<LedgerTally | undefined> {
    this.guard();
    return this.inner.tally(campaignId);
  }

  /** Down: no answer from memory either (the fixture's ledger is all-or-nothing). */
  settledAnswer(campaignId: CampaignId, userId: UserId, now: Date): SettledAnswer | undefined {
    return this.#down ? undefined : this.inner.settledAnswer(campaignId, userId, now);
  }

  async revoke(
    campaignId: CampaignId,
    userId: UserId,
    options: { readonly returnToStock: boolean; readonly at: Date },
  ): Promise<RevokeOutcome> {
    this.guard();
    return this.controls.revoke(campaignId, userId, options);
  }

  async allow(campaignId: CampaignId, userIds: readonly UserId[]): Promise<void> {
    this.guard();
    return this.controls.allow(campaignId, userIds);
  }

  async disallow(campaignId: CampaignId, userIds: readonly UserId[]): Promise<void> {
    this.guard();
    return this.controls.disallow(campaignId, userIds);
  }
}

/** The recovery of the same ledger, down with it (see SwitchableLedger). */
export class SwitchableRecovery implements LedgerRecovery {
  constructor(
    private readonly inner: LedgerRecovery,
    private readonly ledger: SwitchableLedger,
  ) {}

  private guard<T>(call: () => Promise<T>): Promise<T> {
    return this.ledger.isDown
      ? Promise.reject(new LedgerUnavailableError(new Error('connect ECONNREFUSED 127.0.0.1:6379')))
      : call();
  }

  fence(campaignId: CampaignId): Promise<void> {
    return this.guard(() => this.inner.fence(campaignId));
  }

  winners(campaignId: CampaignId): Promise<ReadonlyMap<UserId, number>> {
    return this.guard(() => this.inner.winners(campaignId));
  }

  revocations(campaignId: CampaignId): Promise<ReadonlyMap<UserId, Revocation>> {
    return this.guard(() => this.inner.revocations(campaignId));
  }

  restore(campaign: Campaign, coupons: readonly Coupon[], extras?: RestoreExtras): Promise<void> {
    return this.guard(() => this.inner.restore(campaign, coupons, extras));
  }

  claim(campaignId: CampaignId, ttlMs: number): Promise<boolean> {
    return this.guard(() => this.inner.claim(campaignId, ttlMs));
  }

  release(campaignId: CampaignId): Promise<void> {
    return this.guard(() => this.inner.release(campaignId));
  }

  issuedCounts(campaignIds: readonly CampaignId[]): Promise<ReadonlyMap<CampaignId, number>> {
    return this.guard(() => this.inner.issuedCounts(campaignIds));
  }
}

export interface HttpFixtureOptions {
  /** ADMIN_TOKEN; `null` leaves it unset (admin routes absent). */
  readonly adminToken?: string | null;
  /** ADMIN_TOKENS: more admins by name. */
  readonly adminTokens?: Readonly<Record<string, string>>;
  readonly healthChecks?: readonly HealthCheck[];
  readonly bodyLimitBytes?: number;
  /** Per-client limits on apply and status (none when omitted). */
  readonly rateLimits?: RateLimits;
}

/**
 * Every field any JSON body of this API may carry, all optional: a test reads what it expects and
 * a missing field simply compares unequal (no `any`, no casts in the tests).
 */
export interface ApiBody {
  readonly status?: string;
  readonly campaignId?: string;
  readonly userId?: string;
  readonly sequence?: number;
  readonly issuedAt?: string;
  /** A boolean on the status route, a count on the summary routes. */
  readonly persisted?: boolean | number;
  readonly opensAt?: string;
  readonly closedAt?: string;
  readonly name?: string;
  readonly totalQuantity?: number;
  readonly perUserLimit?: number;
  readonly startsAt?: string | null;
  readonly endsAt?: string | null;
  readonly issued?: number | null;
  readonly remaining?: number | null;
  readonly ledgerReady?: boolean;
  readonly state?: string;
  readonly phase?: string;
  readonly paused?: boolean;
  readonly eligibility?: { readonly kind: string; readonly segment?: string };
  readonly revoked?: number | null;
  readonly returned?: number | boolean | null;
  readonly active?: number | null;
  readonly revokedAt?: string;
  readonly consumed?: number;
  readonly changed?: number;
  readonly size?: number;
  readonly userIds?: readonly string[];
  readonly next?: string | null;
  readonly allowlistSize?: number;
  readonly timeZone?: string;
  readonly window?: {
    readonly opens: string;
    readonly closes: string | null;
    readonly lasts: string | null;
  };
  readonly warnings?: readonly { readonly code: string; readonly message: string }[];
  readonly campaign?: ApiBody;
  readonly entries?: readonly {
    readonly id: string;
    readonly at: string;
    readonly actor: string;
    readonly action: string;
    readonly reason?: string;
    readonly campaignId?: string;
    readonly before?: Record<string, unknown>;
    readonly after?: Record<string, unknown>;
  }[];
  readonly campaigns?: readonly ApiBody[];
  readonly checks?: Readonly<Record<string, { ok: boolean; error?: string }>>;
  readonly error?: {
    readonly code: string;
    readonly message: string;
    readonly fields?: readonly { field: string; message: string }[];
  };
}

export interface HttpResponse {
  readonly status: number;
  readonly headers: Headers;
  /** The parsed JSON body (every response of this API is JSON). */
  readonly body: ApiBody;
}

export interface RequestOptions {
  /** Serialised with JSON.stringify and sent as application/json. */
  readonly json?: unknown;
  /** Sent as is (as bytes, so fetch adds no Content-Type), with the headers given. */
  readonly raw?: string;
  readonly headers?: Record<string, string>;
}

export interface CreateCampaignInput {
  readonly id?: string;
  readonly name?: string;
  readonly totalQuantity?: number;
  readonly startsAt?: string;
  readonly endsAt?: string;
  readonly eligibility?: { readonly kind: string; readonly segment?: string };
}

/**
 * One fresh in-memory service per call, wired exactly as src/bootstrap/runtime/http.ts wires the app
 * (same use cases over the same in-memory adapters), but with the parts a test needs within
 * reach: the ledger store to wipe, a ledger that can go down, the log, the use cases and a
 * logger that keeps every line. Requests go through `app.request`: no network.
 */
export function createHttpFixture(options: HttpFixtureOptions = {}) {
  const adminToken = options.adminToken === null ? undefined : (options.adminToken ?? ADMIN_TOKEN);
  const config = loadConfig({
    ...(adminToken ? { ADMIN_TOKEN: adminToken } : {}),
    ...(options.bodyLimitBytes ? { BODY_LIMIT_BYTES: String(options.bodyLimitBytes) } : {}),
  });
  const logger = new CapturingLogger();
  const clock = new SystemClock();

  const store = new InMemoryLedgerStore();
  const ledger = new SwitchableLedger(
    new InMemoryIssuanceLedger(store),
    new InMemoryLedgerControls(store),
  );
  const recovery = new SwitchableRecovery(new InMemoryLedgerRecovery(store), ledger);
  const outbox = new InMemoryIssuanceOutbox(store);
  const log = new InMemoryCouponLog();
  const campaigns = new InMemoryCampaignRepository();
  const allowlist = new InMemoryAllowlist();
  const marks = new InMemoryPersistenceMarks(store);
  // Every write marks its coupons as persisted, as the container wires it.
  const coupons = new MarkingCouponRepository(new InMemoryCouponRepository(campaigns), marks);
  const failures = new InMemoryFailedIssuanceRepository();
  // A short refresh: tests read counts right after writing them through other paths.
  const record = new PersistedRecord(marks, coupons, 0);
  const catalog = new CachedCampaignRepository(campaigns, { ttlMs: 1000 });

  const getCampaignSummary = new GetCampaignSummary(catalog, ledger, record, clock);
  const reconcileLedger = new ReconcileLedger(
    campaigns,
    coupons,
    failures,
    recovery,
    log,
    clock,
    allowlist,
  );
  // Tests reconcile explicitly (rebuildLedger) and watch the 503s in between: requests only queue.
  const reconciler = new LedgerReconciler(reconcileLedger, logger);
  const reports = new InMemoryCampaignReportStore();
  const requested: string[] = [];
  const reconcileRequests = { request: (campaignId: CampaignId) => requested.push(campaignId) };
  const useCases = {
    applyForCoupon: new ApplyForCoupon(ledger, catalog, clock, reconcileRequests),
    createCampaign: new CreateCampaign(catalog),
    getIssuanceStatus: new GetIssuanceStatus(catalog, ledger, record, reconcileRequests),
    getCampaignSummary,
    listCampaigns: new ListCampaigns(catalog, getCampaignSummary),
    rebuildLedger: new RebuildLedger(reconcileLedger, outbox, log, failures),
    reconciler,
    recordIssuedCoupons: new RecordIssuedCoupons(coupons, failures, clock, logger),
    relayIssuedCoupons: new RelayIssuedCoupons(outbox, log),
    getCampaignReport: new GetCampaignReport(catalog, reports, ledger, coupons, clock),
    listRecentAnswers: new ListRecentAnswers(reports, clock),
  };

  const operate = {
    publishCampaign: new PublishCampaign(catalog, allowlist, ledger, ledger, clock),
    changeCampaign: new ChangeCampaign(catalog, ledger, clock),
    revokeCoupon: new RevokeCoupon(catalog, ledger, clock),
    manageAllowlist: new ManageAllowlist(catalog, allowlist, ledger),
    readAuditTrail: new ReadAuditTrail(campaigns.audit),
    exportCoupons: new ExportCoupons(coupons),
  };

  const app: OpenAPIHono = createHttpApp({
    operate,
    applyForCoupon: useCases.applyForCoupon,
    getIssuanceStatus: useCases.getIssuanceStatus,
    getCampaignSummary: useCases.getCampaignSummary,
    listCampaigns: useCases.listCampaigns,
    createCampaign: useCases.createCampaign,
    getCampaignReport: useCases.getCampaignReport,
    listRecentAnswers: useCases.listRecentAnswers,
    healthChecks: options.healthChecks ?? [],
    logger,
    adminToken: config.ADMIN_TOKEN,
    ...(options.adminTokens ? { adminTokens: options.adminTokens } : {}),
    bodyLimitBytes: config.BODY_LIMIT_BYTES,
    ...(options.rateLimits ? { rateLimits: options.rateLimits } : {}),
  });

  async function request(
    method: string,
    path: string,
    init: RequestOptions = {},
  ): Promise<HttpResponse> {
    const headers = new Headers(init.headers);
    // Bytes, not a string: a string body would make fetch add `text/plain` on its own.
    let body: string | Uint8Array | undefined =
      init.raw === undefined ? undefined : new TextEncoder().encode(init.raw);
    if (init.json !== undefined) {
      body = JSON.stringify(init.json);
      if (!headers.has('content-type')) headers.set('content-type', 'application/json');
    }
    const response = await app.request(path, {
      method,
      headers,
      ...(body !== undefined ? { body } : {}),
    });
    const text = await response.text();
    let parsed: ApiBody;
    try {
      parsed = (text.length > 0 ? JSON.parse(text) : {}) as ApiBody;
    } catch {
      throw new Error(
        `${method} ${path} answered ${response.status} with a non-JSON body: ${text}`,
      );
    }
    return { status: response.status, headers: response.headers, body: parsed };
  }

  const bearer = { authorization: `Bearer ${adminToken ?? ''}` };

  return {
    app,
    config,
    logger,
    store,
    ledger,
    recovery,
    log,
    campaigns,
    coupons,
    failures,
    reports,
    useCases,
    operate,
    allowlist,
    /** Campaigns the use cases asked to reconcile, in order (the fixture does not auto-run them). */
    reconcileRequested: requested,
    request,

    apply: (campaignId: string, body: unknown) =>
      request('POST', `/campaigns/${campaignId}/issuances`, { json: body }),
    applyAs: (campaignId: string, userId: string) =>
      request('POST', `/campaigns/${campaignId}/issuances`, { json: { userId } }),
    status: (campaignId: string, userId: string) =>
      request('GET', `/campaigns/${campaignId}/issuances/${userId}`),
    summary: (campaignId: string) => request('GET', `/campaigns/${campaignId}`),
    admin: (method: string, path: string, init: RequestOptions = {}) =>
      request(method, path, { ...init, headers: { ...bearer, ...init.headers } }),

    /**
     * Creates a campaign through the admin routes and publishes it, every warning acknowledged
     * (random id unless given); fails unless it is published.
     */
    async createCampaign(input: CreateCampaignInput = {}): Promise<CampaignId> {
      const id = input.id ?? randomCampaignId();
      const response = await openCampaign(
        (path, init) => app.request(path, init),
        adminToken ?? '',
        {
          name: 'Test drop',
          ...input,
          id,
        },
      );
      if (response.status !== 200) {
        throw new Error(`opening campaign ${id}: ${response.status} ${await response.text()}`);
      }
      return id as CampaignId;
    },

    /** What the relay and the consumer do in the background, run to completion right now. */
    async persistAll(): Promise<void> {
      while ((await useCases.relayIssuedCoupons.relayBatch(1000, 0)) > 0) {
        // keep relaying until the outbox is empty
      }
      for (let batch = log.drain(1000); batch.length > 0; batch = log.drain(1000)) {
        await useCases.recordIssuedCoupons.execute(batch);
        log.settle(batch.length);
      }
    },
  };
}

export type HttpFixture = ReturnType<typeof createHttpFixture>;
