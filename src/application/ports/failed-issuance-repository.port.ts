/** A coupon event that could not be persisted, kept so it is never silently dropped. */
export interface FailedIssuance {
  readonly id: string;
  readonly campaignId: string | undefined;
  readonly userId: string | undefined;
  /** The event exactly as received, so it can be replayed or inspected. */
  readonly payload: string;
  readonly error: string;
  readonly attempts: number;
  readonly createdAt: Date;
  readonly updatedAt: Date;
  readonly resolvedAt: Date | undefined;
}

export interface NewFailedIssuance {
  readonly campaignId: string | undefined;
  readonly userId: string | undefined;
  readonly payload: string;
  readonly error: string;
  readonly attempts: number;
}

/** The dead-letter table (`failed_issuance`). */
export interface FailedIssuanceRepository {
  /** Records failures durably; throws StoreUnavailableError when it cannot. */
  recordAll(failures: readonly NewFailedIssuance[], now: Date): Promise<void>;
  /** Open (unresolved) failures, oldest first. */
  listOpen(limit: number): Promise<FailedIssuance[]>;
  markResolved(id: string, now: Date): Promise<void>;
  markAttempted(id: string, error: string, now: Date): Promise<void>;
  countOpen(): Promise<number>;
}
