import { readdirSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { loadConfig, type Config } from '../../src/bootstrap/config.ts';
import {
  backoffFigures,
  citedRunIds,
  configurationTable,
  lineAt,
  sessionFigures,
  spoken,
  statedDefault,
  variableFigures,
  prose,
  type Finding,
} from '../support/doc-claims.ts';

/**
 * The docs say what the code and the committed benchmark runs say: every run id they cite is a
 * run in bench/results/*.json, the README's configuration table gives config.ts's defaults (and
 * every variable), and a timeout stated next to what it times (the consumer's session, a
 * backoff, a variable) is the one the code sets. Each value is read from the code, never copied
 * here: change a default and this fails until the docs follow.
 */

const root = new URL('../../', import.meta.url);
const read = (path: string) => readFileSync(new URL(path, root), 'utf8');

const DOCS = [
  'README.md',
  ...readdirSync(new URL('docs/', root))
    .filter((f) => f.endsWith('.md'))
    .map((f) => `docs/${f}`),
];

/** The run ids of the committed benchmark results. */
function committedRuns(): Map<string, string> {
  const runs = new Map<string, string>();
  for (const file of readdirSync(new URL('bench/results/', root))) {
    if (!file.endsWith('.json')) continue;
    const run = JSON.parse(read(`bench/results/${file}`)) as { runId?: string };
    if (run.runId) runs.set(run.runId, `bench/results/${file}`);
  }
  return runs;
}

/** Every variable ConfigSchema declares, in its order (its keys, read from its source). */
function configNames(): string[] {
  const source = read('src/bootstrap/config.ts');
  const body = source.slice(source.indexOf('const ConfigSchema = z.object({'));
  return [...body.slice(0, body.indexOf('\n});')).matchAll(/^ {2}([A-Z][A-Z0-9_]+):/gm)].map(
    (m) => m[1]!,
  );
}

/** The defaults, as the processes get them with nothing set. */
const DEFAULTS: Partial<Config> = loadConfig({});

/**
 * Defaults the README states in words, because no single value is true: the entrypoint decides
 * (src/bootstrap/wiring/rate-limit.ts), or it follows another setting.
 */
const DEFAULTS_IN_WORDS: Record<string, string> = {
  RATE_LIMIT_APPLY_PER_SECOND: 'the entrypoint decides: embedded off, api by AUTH_MODE',
  RATE_LIMIT_STATUS_PER_SECOND: 'the entrypoint decides: embedded off, api by AUTH_MODE',
  RATE_LIMIT_REDIS_URL: "unset means the ledger's Redis",
};

interface Backoff {
  readonly min: number;
  readonly max: number;
  readonly where: string;
}

/** `minBackoffMs` / `maxBackoffMs` as a source file sets them (inside `within`, when given). */
function backoffIn(path: string, within?: string): Backoff {
  let source = read(path);
  if (within) {
    source = source.slice(source.indexOf(within));
    source = source.slice(0, source.indexOf('\nexport ', 1));
  }
  const number = (pattern: RegExp) => Number(pattern.exec(source)?.[1]?.replaceAll('_', ''));
  const min = number(/minBackoffMs(?::| \?\?) ([\d_]+)/);
  const max = number(/maxBackoffMs(?::| \?\?) ([\d_]+)/);
  if (!Number.isFinite(min) || !Number.isFinite(max)) {
    throw new Error(`no minBackoffMs/maxBackoffMs in ${path} ${within ?? ''}: update this check`);
  }
  return { min, max, where: `${path}${within ? ` (${within})` : ''}` };
}

/** What the code sets for each backoff a document may state, by whose backoff it is. */
function backoffs(): Record<'relay' | 'consumer', Backoff[]> {
  return {
    relay: [backoffIn('src/bootstrap/runtime/workers.ts', 'export function startRelay')],
    consumer: [
      backoffIn('src/adapters/kafka/kafka-coupon-consumer.ts'),
      // The embedded mode's in-memory consumer loop.
      backoffIn('src/bootstrap/runtime/workers.ts', 'export async function startConsumer'),
    ],
  };
}

function runIdFindings(file: string, text: string, runs: ReadonlyMap<string, string>): Finding[] {
  return citedRunIds(text)
    .filter(({ id }) => !runs.has(id))
    .map(({ id, offset, at }) => ({
      file,
      line: lineAt(text, offset),
      message:
        `cites benchmark run ${id} (${at.toISOString()}), which is not in bench/results/*.json ` +
        `(committed: ${[...runs.keys()].join(', ') || 'none'})`,
    }));
}

function configTableFindings(readme: string, names: readonly string[]): Finding[] {
  const findings: Finding[] = [];
  const rows = configurationTable(readme);
  const documented = new Set(rows.flatMap((row) => row.names));
  for (const row of rows) {
    for (const name of row.names) {
      const at = { file: 'README.md', line: row.line };
      if (!names.includes(name)) {
        findings.push({
          ...at,
          message: `the configuration table lists ${name}, which config.ts does not read`,
        });
        continue;
      }
      const value: unknown = DEFAULTS[name as keyof Config];
      // Every default is a string or a number (a list such as EVENT_SIGNING_KEYS has none).
      const actual =
        typeof value === 'object' ? JSON.stringify(value) : (value as string | undefined);
      const stated = statedDefault(row.defaultCell);
      if (stated.kind === 'value' && `${actual}` !== stated.value) {
        findings.push({
          ...at,
          message: `${name}: the README's default is \`${stated.value}\`, config.ts's is ${actual === undefined ? 'unset' : `\`${actual}\``}`,
        });
      } else if (stated.kind === 'unset' && actual !== undefined) {
        findings.push({
          ...at,
          message: `${name}: the README says unset, config.ts defaults to \`${actual}\``,
        });
      } else if (stated.kind === 'prose' && !(name in DEFAULTS_IN_WORDS)) {
        findings.push({
          ...at,
          message: `${name}: the default "${stated.text}" is no value this check can compare`,
        });
      }
    }
  }
  for (const name of names) {
    if (!documented.has(name)) {
      findings.push({
        file: 'README.md',
        line: 0,
        message: `${name} (config.ts) is missing from the configuration table`,
      });
    }
  }
  return findings;
}

function timeoutFindings(file: string, raw: string, names: readonly string[]): Finding[] {
  const text = prose(raw);
  const findings: Finding[] = [];
  const session = DEFAULTS.KAFKA_SESSION_TIMEOUT_MS!;
  for (const figure of sessionFigures(text)) {
    if (figure.ms !== session) {
      findings.push({
        file,
        line: lineAt(raw, figure.offset),
        message: `"${figure.text}": a ${spoken(figure.ms)} consumer session, while KAFKA_SESSION_TIMEOUT_MS defaults to ${session} (${spoken(session)})`,
      });
    }
  }
  const known = backoffs();
  for (const claim of backoffFigures(text)) {
    if (claim.subject !== 'relay' && claim.subject !== 'consumer') continue; // e.g. Redis' client
    const fits = known[claim.subject].some((b) =>
      claim.figures.length === 2
        ? claim.figures[0] === b.min && claim.figures[1] === b.max
        : claim.figures[0] === b.max || claim.figures[0] === b.min,
    );
    if (!fits) {
      const code = known[claim.subject]
        .map((b) => `${spoken(b.min)} → ${spoken(b.max)} in ${b.where}`)
        .join(', or ');
      findings.push({
        file,
        line: lineAt(raw, claim.offset),
        message: `"${claim.text}": the ${claim.subject}'s backoff is ${code}`,
      });
    }
  }
  for (const figure of variableFigures(text, names)) {
    const actual = DEFAULTS[figure.name as keyof Config];
    if (figure.name.endsWith('_MS') && typeof actual === 'number' && figure.ms !== actual) {
      findings.push({
        file,
        line: lineAt(raw, figure.offset),
        message: `"${figure.text}": ${figure.name} defaults to ${actual} (${spoken(actual)})`,
      });
    }
  }
  return findings;
}

/** Every finding over README.md and docs/*.md. */
function docFindings(): Finding[] {
  const runs = committedRuns();
  const names = configNames();
  const findings: Finding[] = [];
  for (const file of DOCS) {
    const text = read(file);
    findings.push(...runIdFindings(file, text, runs), ...timeoutFindings(file, text, names));
    if (file === 'README.md') findings.push(...configTableFindings(text, names));
  }
  return findings;
}

const show = (findings: Finding[]) => findings.map((f) => `${f.file}:${f.line}: ${f.message}`);

describe('docs agree with the code and the committed benchmark runs', () => {
  it('README.md and docs/*.md: run ids, configuration defaults, timeouts', () => {
    expect(show(docFindings())).toEqual([]);
  });
});

describe('the docs check itself (it can fail)', () => {
  const names = configNames();

  it('reads every variable of config.ts, and its defaults from loadConfig', () => {
    expect(names.length).toBeGreaterThan(30);
    expect(names).toContain('KAFKA_SESSION_TIMEOUT_MS');
    expect(DEFAULTS.KAFKA_SESSION_TIMEOUT_MS).toBeTypeOf('number');
  });

  it('recognises every committed run id, and no ordinary word', () => {
    const runs = [...committedRuns().keys()];
    expect(runs.length).toBeGreaterThan(0);
    for (const id of runs)
      expect(citedRunIds(`Run \`${id}\`, the run above`).map((r) => r.id)).toEqual([id]);
    expect(citedRunIds('again409 measured multiple c033dec mx4w1pu mx4w1purx')).toEqual([]);
    expect(citedRunIds('run `mxaogdwg`, measured, `mxaogdw`').map((r) => r.id)).toEqual([
      'mxaogdwg',
    ]);
  });

  it('flags a run id that is not committed', () => {
    const findings = runIdFindings(
      'x.md',
      'the run above, `mx4m03v5`, gave',
      new Map([['mx4w1pur', 'latest']]),
    );
    expect(show(findings)).toEqual([
      'x.md:1: cites benchmark run mx4m03v5 (2026-12-01T11:24:08.465Z), which is not in bench/results/*.json (committed: mx4w1pur)',
    ]);
  });

  it('flags a session that is not the configured one, and lets kafkajs keep its own default', () => {
    const wrong = [
      "It gets the partitions after the dead member's 30 s session timeout.",
      'The consumer resumes slowly after a broker crash or its own death: about 30 s, the kafkajs default session timeout.',
      'Consumer session 30 s, relay backoff 1 s.',
    ];
    for (const text of wrong) expect(timeoutFindings('x.md', text, names), text).toHaveLength(1);
    const right = [
      "a killed consumer's partitions move after its 6 s session; after a Kafka outage the relay drains the outbox within about 1.5 s of the broker's return (its backoff is capped at 1 s)",
      "consumer group session: a killed consumer's partitions move after it (kafkajs' default is 30 s)",
      "Both slow recoveries (about 30 s) were kafkajs' default 30 s session: the group waits. 6 s is the broker's minimum.",
      "caught up 28.0 s after restart (with kafkajs' default session of 30 s then)",
    ];
    for (const text of right) expect(timeoutFindings('x.md', text, names), text).toEqual([]);
  });

  it("flags a relay backoff that is not the relay's, whoever else backs off that way", () => {
    const cell =
      '| who notices | the relay: `send` fails and becomes `PublisherUnavailableError`; its WorkerLoop backs off 100 ms → 5 s and keeps the batch |';
    expect(show(timeoutFindings('x.md', cell, names))).toEqual([
      expect.stringMatching(
        /^x\.md:1: "backs off 100 ms → 5 s": the relay's backoff is 100 ms → 1 s in src\/bootstrap\/runtime\/workers\.ts/,
      ),
    ]);
    const consumer =
      '| who notices | the consumer: `saveAll` fails. The batch is retried in place with backoff (200 ms → 10 s) while the partition heartbeats |';
    expect(timeoutFindings('x.md', consumer, names)).toEqual([]);
    const redis = '| recovery | the client reconnects by itself (backoff ≤ 2 s) |';
    expect(timeoutFindings('x.md', redis, names)).toEqual([]);
  });

  it('flags a variable stated with another figure than its default, not an explicit setting', () => {
    expect(
      timeoutFindings('x.md', 'every `LEDGER_CHECK_INTERVAL_MS` (30 s) the API compares', names),
    ).toHaveLength(1);
    expect(
      timeoutFindings('x.md', 'every `LEDGER_CHECK_INTERVAL_MS` (15 s) the API compares', names),
    ).toEqual([]);
    expect(
      timeoutFindings('x.md', 'SIGTERM (`SHUTDOWN_TIMEOUT_MS=4000`); 150 answers', names),
    ).toEqual([]);
  });

  it('flags a configuration table whose default differs, or that misses a variable', () => {
    const readme = [
      '## Configuration',
      '| variable | default | meaning |',
      '| --- | --- | --- |',
      '| `PORT` | `3001` | HTTP port |',
      '| `REDIS_URL` | `redis://localhost` | the ledger |',
      '| `NOT_A_SETTING` | unset | nothing |',
      '## API',
    ].join('\n');
    const findings = show(configTableFindings(readme, names));
    expect(findings).toContain(
      "README.md:4: PORT: the README's default is `3001`, config.ts's is `3000`",
    );
    expect(findings).toContain(
      "README.md:5: REDIS_URL: the README's default is `redis://localhost`, config.ts's is unset",
    );
    expect(findings).toContain(
      'README.md:6: the configuration table lists NOT_A_SETTING, which config.ts does not read',
    );
    expect(findings).toContain(
      'README.md:0: LEDGER_SHARDS (config.ts) is missing from the configuration table',
    );
  });
});
