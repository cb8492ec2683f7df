/** One dependency the process needs to serve; readiness asks each of them. */
export interface HealthCheck {
  readonly name: string;
  /** Resolves when the dependency answers; rejects (with the reason) when it does not. */
  check(): Promise<void>;
}
