import { createPublicKey } from 'node:crypto';
import { z } from 'zod';

const optionalString = z
  .string()
  .trim()
  .transform((v) => (v === '' ? undefined : v))
  .optional();
const int = (fallback: number, min = 0, max = Number.MAX_SAFE_INTEGER) =>
  z.coerce.number().int().min(min).max(max).default(fallback);

/**
 * An RS256 verification key: PEM (SPKI `PUBLIC KEY` or PKCS#1 `RSA PUBLIC KEY`; `\n` escapes
 * accepted, as env files often hold one line), normalised to SPKI PEM. A private key is refused:
 * it has no business in the API's environment.
 */
const rsaPublicKeyPem = z.string().transform((raw, ctx) => {
  const pem = raw.replace(/\\n/g, '\n');
  if (/PRIVATE KEY/.test(pem)) {
    ctx.addIssue({ code: 'custom', message: 'must be a public key, not a private key' });
    return z.NEVER;
  }
  try {
    const key = createPublicKey(pem);
    if (key.asymmetricKeyType !== 'rsa') throw new Error('not RSA');
    return key.export({ type: 'spki', format: 'pem' }).toString();
  } catch {
    ctx.addIssue({ code: 'custom', message: 'must be an RSA public key in PEM format' });
    return z.NEVER;
  }
});

/**
 * `name:secret[,name:secret…]`, in order, each name a plain token listed once and each secret at
 * least `minLength` characters: the shape of EVENT_SIGNING_KEYS and of ADMIN_TOKENS.
 */
const namedSecrets = (minLength: number, what: string) =>
  z.string().transform((raw, ctx) => {
    const entries: { id: string; secret: string }[] = [];
    for (const entry of raw.split(',')) {
      const at = entry.indexOf(':');
      const id = entry.slice(0, at).trim();
      const secret = entry.slice(at + 1).trim();
      if (at < 1 || !/^[A-Za-z0-9._-]{1,64}$/.test(id)) {
        ctx.addIssue({ code: 'custom', message: `must be ${what}:secret[,${what}:secret…]` });
        return z.NEVER;
      }
      if (secret.length < minLength) {
        const message = `${what} "${id}": secret must be at least ${minLength} characters`;
        ctx.addIssue({ code: 'custom', message });
        return z.NEVER;
      }
      if (entries.some((known) => known.id === id)) {
        ctx.addIssue({ code: 'custom', message: `${what} "${id}" is listed twice` });
        return z.NEVER;
      }
      entries.push({ id, secret });
    }
    return entries;
  });

/**
 * EVENT_SIGNING_KEYS: `keyId:secret[,keyId:secret…]`, the HMAC keys of trusted events
 * (src/adapters/kafka/event-signature.ts). The relay signs with the FIRST key; the consumer
 * accepts any listed one, which is how a key is rotated without a stop (README, operations).
 */
const signingKeys = namedSecrets(32, 'keyId');

/**
 * ADMIN_TOKENS: `name:token[,name:token…]`, one bearer token per admin, so that the audit trail
 * says who paused, corrected or revoked (ADMIN_TOKEN acts as `admin`).
 */
const adminTokens = namedSecrets(16, 'admin').transform(
  (entries) =>
    Object.fromEntries(entries.map(({ id, secret }) => [id, secret])) as Record<string, string>,
);

/** Every setting the processes read, validated once at start. */
const ConfigSchema = z.object({
  PORT: int(3000, 0, 65535),
  HOST: z.string().default('0.0.0.0'),
  ADMIN_TOKEN: optionalString.pipe(z.string().min(16, 'must be at least 16 characters').optional()),
  ADMIN_TOKENS: optionalString.pipe(adminTokens.optional()),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  /** `auto`: readable lines when stdout is a terminal, JSON lines otherwise. */
  LOG_FORMAT: z.enum(['json', 'pretty', 'auto']).default('auto'),
  BODY_LIMIT_BYTES: int(4096, 64, 1_048_576),
  REDIS_URL: optionalString.pipe(z.url({ protocol: /^rediss?$/ }).optional()),
  REDIS_CLUSTER_NODES: optionalString.pipe(
    z
      .string()
      .regex(/^[^,:\s]+:\d+(,[^,:\s]+:\d+)*$/, 'must be host:port[,host:port…]')
      .optional(),
  ),
  /** Redis Sentinel addresses (host:port,…): the ledger and outbox follow the master they name. */
  REDIS_SENTINELS: optionalString.pipe(
    z
      .string()
      .regex(/^[^,:\s]+:\d+(,[^,:\s]+:\d+)*$/, 'must be host:port[,host:port…]')
      .optional(),
  ),
  REDIS_SENTINEL_NAME: z.string().min(1).default('coupon-ledger'),
  /** Replicas that must hold a grant (Redis WAIT) before its 201; 0 = the master's fsync only. */
  LEDGER_MIN_REPLICAS: int(0, 0, 16),
  /** How long a grant waits for LEDGER_MIN_REPLICAS; past it the answer is 503 LEDGER_NOT_REPLICATED. */
  LEDGER_REPLICA_TIMEOUT_MS: int(200, 1, 400),
  KAFKA_BROKERS: optionalString.pipe(
    z
      .string()
      .regex(/^[^,:\s]+:\d+(,[^,:\s]+:\d+)*$/, 'must be host:port[,host:port…]')
      .optional(),
  ),
  KAFKA_TOPIC: z
    .string()
    .regex(/^[a-zA-Z0-9._-]{1,200}$/)
    .default('coupon-issued'),
  KAFKA_TOPIC_PARTITIONS: int(3, 1, 1000),
  KAFKA_REPLICATION_FACTOR: int(1, 1, 10),
  KAFKA_CONSUMER_GROUP: z.string().min(1).default('coupon-persister'),
  KAFKA_CLIENT_ID: z.string().min(1).default('coupon-issuance'),
  CONSUMER_CONCURRENCY: int(3, 1, 100),
  /**
   * Consumer group liveness: a killed member is noticed after the session timeout (the broker
   * allows 6 s at least by default), and the group rebalances without it. kafkajs' defaults
   * (30 s / 3 s / 60 s) made a killed consumer cost ~30 s of stalled partitions.
   */
  KAFKA_SESSION_TIMEOUT_MS: int(6_000, 1_000, 300_000),
  KAFKA_HEARTBEAT_INTERVAL_MS: int(1_000, 100, 60_000),
  KAFKA_REBALANCE_TIMEOUT_MS: int(10_000, 1_000, 300_000),
  /** HMAC keys of trusted events; required whenever KAFKA_BROKERS is set (see signingKeys). */
  EVENT_SIGNING_KEYS: optionalString.pipe(signingKeys.optional()),
  /**
   * The HMAC key proof-of-work challenges are signed with; every API process must share it (a
   * challenge from one is checked by another). Outside production a fixed development key is used.
   */
  PROOF_HMAC_KEY: optionalString.pipe(
    z.string().min(32, 'must be at least 32 characters').optional(),
  ),
  /** How long a proof-of-work challenge may be solved and used (its solution is spent once). */
  PROOF_CHALLENGE_TTL_MS: int(120_000, 1_000, 3_600_000),
  NODE_ENV: z.string().optional(),
  DATABASE_URL: optionalString.pipe(z.url({ protocol: /^(mysql|mariadb)$/ }).optional()),
  DATABASE_POOL_MAX: int(20, 1, 500),
  RELAY_BATCH_SIZE: int(1000, 1, 10_000),
  RELAY_WAIT_MS: int(20, 0, 10_000),
  /** How often the API compares every campaign's ledger with the durable record. */
  LEDGER_CHECK_INTERVAL_MS: int(15_000, 100, 3_600_000),
  /**
   * The persistence audit (issue 22): how often the API compares every campaign's ledger with
   * MySQL and re-emits grants without a row; a grant younger than AUDIT_GRACE_MS is left alone
   * (in flight). Ranges of AUDIT_RANGE_SIZE sequences are counted on both sides; at most
   * AUDIT_MAX_RANGES mismatched ranges are listed and AUDIT_MAX_REPAIRS grants re-emitted per
   * campaign and cycle. Repair bound: grace + interval + the relay and the consumer.
   */
  AUDIT_INTERVAL_MS: int(5_000, 100, 3_600_000),
  AUDIT_GRACE_MS: int(15_000, 0, 86_400_000),
  AUDIT_RANGE_SIZE: int(1_000, 1, 1_000_000),
  AUDIT_MAX_RANGES: int(20, 1, 10_000),
  AUDIT_MAX_REPAIRS: int(5_000, 1, 1_000_000),
  /** A campaign settled since its last clean audit has its MySQL rows counted this often only. */
  AUDIT_SETTLED_RECOUNT_MS: int(30_000, 100, 3_600_000),
  OUTBOX_CLAIM_AFTER_MS: int(30_000, 100, 3_600_000),
  /** An emptied outbox stream stops being watched by the relays once quiet this long. */
  OUTBOX_QUIET_MS: int(60_000, 3_000, 3_600_000),
  SHUTDOWN_TIMEOUT_MS: int(10_000, 100, 600_000),
  DEFAULT_CAMPAIGN_ID: z.string().default('default'),
  DEFAULT_CAMPAIGN_QUANTITY: int(1000, 1, 100_000_000),
  /** `body`: the user id comes from the request body; `jwt`: only from a verified JWT's sub. */
  AUTH_MODE: z.enum(['body', 'jwt']).default('body'),
  JWT_SECRET: optionalString.pipe(
    z.string().min(32, 'must be at least 32 characters (256 bits) for HS256').optional(),
  ),
  JWT_PUBLIC_KEY: optionalString.pipe(rsaPublicKeyPem.optional()),
  JWT_ISSUER: optionalString,
  JWT_AUDIENCE: optionalString,
  /** The JWT claim a `segment` campaign compares with its segment (AUTH_MODE=jwt). */
  ELIGIBILITY_CLAIM: z
    .string()
    .regex(/^[A-Za-z0-9_.:-]{1,64}$/, 'must be a claim name (1-64 of A-Z a-z 0-9 _ . : -)')
    .default('segment'),
  /** The consumer's ops server (/metrics, /health/*); 0 picks a free port. */
  METRICS_PORT: int(9464, 0, 65535),
  /**
   * The campaign report's counters on the apply path and the consumer's write (issue 26); `off`
   * exists to price them in the benchmark (`REPORT_COUNTERS=off npm run bench …`).
   */
  REPORT_COUNTERS: z.enum(['on', 'off']).default('on'),
  /** Sub-ledgers per campaign on Redis (sharded-stock mode, docs/scaling.md); 1 = off. */
  LEDGER_SHARDS: int(1, 1, 64),
  /**
   * Requests per second per client on apply / status; 0 = off. Unset: the entrypoint's default
   * (embedded: off; production API: on in jwt mode, see src/bootstrap/wiring/rate-limit.ts).
   */
  RATE_LIMIT_APPLY_PER_SECOND: optionalString.pipe(
    z.coerce.number<string>().int().min(0).max(1_000_000).optional(),
  ),
  RATE_LIMIT_STATUS_PER_SECOND: optionalString.pipe(
    z.coerce.number<string>().int().min(0).max(1_000_000).optional(),
  ),
  /** The rate limiter's own Redis; unset = the ledger's Redis (REDIS_URL / REDIS_CLUSTER_NODES). */
  RATE_LIMIT_REDIS_URL: optionalString.pipe(z.url({ protocol: /^rediss?$/ }).optional()),
  /** A header set by the trusted proxy in front (e.g. x-forwarded-for); unset = socket address. */
  TRUSTED_PROXY_HEADER: optionalString.pipe(
    z
      .string()
      .regex(/^[A-Za-z0-9-]{1,64}$/, 'must be a header name')
      .transform((v) => v.toLowerCase())
      .optional(),
  ),
  /** How many of our proxies append to TRUSTED_PROXY_HEADER: the client is that hop from the right. */
  TRUSTED_PROXY_HOPS: int(1, 1, 10),
});

export type Config = z.infer<typeof ConfigSchema>;

/**
 * Rules across variables: one way to reach the ledger's Redis; replicas are WAITed for on one
 * master only; Kafka means signed events (a consumer that persisted whatever anyone writes to the
 * topic would break G4, so there is no "unverified" switch); AUTH_MODE=jwt needs exactly one key.
 */
const CheckedConfigSchema = ConfigSchema.superRefine((config, ctx) => {
  const ways = (['REDIS_URL', 'REDIS_CLUSTER_NODES', 'REDIS_SENTINELS'] as const).filter(
    (name) => config[name] !== undefined,
  );
  if (ways.length > 1) {
    ctx.addIssue({
      code: 'custom',
      path: [ways[1]!],
      message: `set one of REDIS_URL, REDIS_CLUSTER_NODES or REDIS_SENTINELS, not ${ways.join(' and ')}`,
    });
  }
  if (config.REDIS_CLUSTER_NODES && config.LEDGER_MIN_REPLICAS > 0) {
    ctx.addIssue({
      code: 'custom',
      path: ['LEDGER_MIN_REPLICAS'],
      message:
        'needs REDIS_URL or REDIS_SENTINELS (a cluster spreads one WAIT over many nodes; see docs/reliability.md)',
    });
  }
  if (config.KAFKA_BROKERS && (config.EVENT_SIGNING_KEYS ?? []).length === 0) {
    ctx.addIssue({
      code: 'custom',
      path: ['EVENT_SIGNING_KEYS'],
      message:
        'is required when KAFKA_BROKERS is set (keyId:secret[,keyId:secret…], secrets of 32+ characters)',
    });
  }
  if (config.NODE_ENV === 'production' && config.PROOF_HMAC_KEY === undefined) {
    ctx.addIssue({
      code: 'custom',
      path: ['PROOF_HMAC_KEY'],
      message:
        'is required when NODE_ENV=production (32+ characters, the same in every API process)',
    });
  }
  if (config.ADMIN_TOKEN && config.ADMIN_TOKENS && 'admin' in config.ADMIN_TOKENS) {
    ctx.addIssue({
      code: 'custom',
      path: ['ADMIN_TOKENS'],
      message: 'names "admin", which is ADMIN_TOKEN\'s identity: name that admin otherwise',
    });
  }
  if (config.AUTH_MODE !== 'jwt') return;
  if (config.JWT_SECRET === undefined && config.JWT_PUBLIC_KEY === undefined) {
    ctx.addIssue({
      code: 'custom',
      path: ['JWT_SECRET'],
      message: 'is required when AUTH_MODE=jwt (or set JWT_PUBLIC_KEY for RS256)',
    });
  }
  if (config.JWT_SECRET !== undefined && config.JWT_PUBLIC_KEY !== undefined) {
    ctx.addIssue({
      code: 'custom',
      path: ['JWT_PUBLIC_KEY'],
      message: 'set either JWT_SECRET (HS256) or JWT_PUBLIC_KEY (RS256), not both',
    });
  }
});

/** The proof-of-work key outside production, where PROOF_HMAC_KEY may be left out. */
export const DEVELOPMENT_PROOF_HMAC_KEY = 'development-only-proof-of-work-hmac-key';

export class ConfigError extends Error {}

/** Parses the environment; a bad value throws one line per variable, naming it. */
export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  const parsed = CheckedConfigSchema.safeParse(env);
  if (parsed.success) return parsed.data;
  const lines = parsed.error.issues.map(
    (issue) => `invalid configuration: ${issue.path.join('.')}: ${issue.message}`,
  );
  throw new ConfigError(lines.join('\n'));
}

/**
 * Settings an entrypoint refuses to default (a safe choice needs the operator's decision): each
 * must be set in the environment, even where the schema has a default for the quick start.
 */
export function requireExplicitSettings(
  env: NodeJS.ProcessEnv,
  names: { name: keyof Config; choices: string }[],
): void {
  const missing = names.filter(({ name }) => (env[name] ?? '').trim() === '');
  if (missing.length > 0) {
    throw new ConfigError(
      missing
        .map(
          ({ name, choices }) =>
            `invalid configuration: ${name}: must be set explicitly for this entrypoint (${choices})`,
        )
        .join('\n'),
    );
  }
}

/** The production entrypoints need a real ledger: REDIS_URL, or a cluster, or Sentinels. */
export function requireLedger(config: Config): void {
  if (!config.REDIS_URL && !config.REDIS_CLUSTER_NODES && !config.REDIS_SENTINELS) {
    requireSettings(config, ['REDIS_URL']);
  }
}

/** The production entrypoints need the real services; say which variable is missing. */
export function requireSettings(config: Config, names: (keyof Config)[]): void {
  const missing = names.filter((name) => config[name] === undefined);
  if (missing.length > 0) {
    throw new ConfigError(
      missing
        .map((name) => `invalid configuration: ${name}: is required by this entrypoint`)
        .join('\n'),
    );
  }
}
