/**
 * Reading the figures a document states, for test/unit/docs-consistency.test.ts: benchmark run
 * ids, the README's configuration table, and timeouts stated next to what they time. Pure text
 * functions, so the check's own tests can feed them the sentences that once were wrong.
 */

export interface Finding {
  readonly file: string;
  readonly line: number;
  readonly message: string;
}

/** 1-based line of an offset in a text. */
export function lineAt(text: string, offset: number): number {
  return text.slice(0, offset).split('\n').length;
}

/**
 * The text as the claims are read: fenced code blocks blanked (commands, not claims), and a
 * paragraph's line breaks made spaces, so "the kafkajs\ndefault session" reads as one phrase. The
 * length and every offset stay the same; take line numbers from the original text.
 */
export function prose(text: string): string {
  return text
    .replace(/^```[^\n]*\n[\s\S]*?^```/gm, (block) => block.replace(/[^\n]/g, ' '))
    .replace(/(?<!\n)\n(?![\n|])/g, ' ');
}

// ── benchmark run ids ──────────────────────────────────────────────────────────────────────

const RUN_ID_FLOOR = Date.UTC(2025, 0, 1);

/**
 * Benchmark run ids cited in a text. A run id is the run's start in milliseconds, base 36
 * (bench/run.ts), eight characters; a token is taken for one when it decodes to an instant from
 * 2025 to a year from now and either has a digit and a letter, or stands in backticks (the way
 * the docs cite a run). Ids can be all letters (`mxaogdwg`), and so can words that decode into
 * that range ("measured", "multiple"): outside backticks, a token without a digit is a word. The
 * check's test proves every id of bench/results is recognised.
 */
export function citedRunIds(text: string): { id: string; offset: number; at: Date }[] {
  const ceiling = Date.now() + 365 * 24 * 3600 * 1000;
  const found: { id: string; offset: number; at: Date }[] = [];
  for (const match of text.matchAll(/(?<![0-9a-z])[0-9a-z]{8}(?![0-9a-z])/g)) {
    const id = match[0];
    const quoted = text[match.index - 1] === '`' && text[match.index + 8] === '`';
    if (!/[a-z]/.test(id) || !(/\d/.test(id) || quoted)) continue;
    const ms = parseInt(id, 36);
    if (ms >= RUN_ID_FLOOR && ms <= ceiling) {
      found.push({ id, offset: match.index, at: new Date(ms) });
    }
  }
  return found;
}

// ── the README's configuration table ────────────────────────────────────────────────────────

export interface ConfigRow {
  readonly names: readonly string[];
  readonly defaultCell: string;
  readonly line: number;
}

/** The rows of the table under `## Configuration`: the variables of each, and its default cell. */
export function configurationTable(readme: string): ConfigRow[] {
  const start = readme.search(/^## Configuration/m);
  if (start < 0) return [];
  const end = readme.indexOf('\n## ', start + 1);
  const section = readme.slice(start, end < 0 ? undefined : end);
  const rows: ConfigRow[] = [];
  let offset = start;
  for (const line of section.split('\n')) {
    const cells = line.split('|').map((cell) => cell.trim());
    const names = [...(cells[1] ?? '').matchAll(/`([A-Z][A-Z0-9_]+)`/g)].map((m) => m[1]!);
    if (line.startsWith('|') && names.length > 0) {
      rows.push({ names, defaultCell: cells[2] ?? '', line: lineAt(readme, offset) });
    }
    offset += line.length + 1;
  }
  return rows;
}

export type StatedDefault =
  | { readonly kind: 'value'; readonly value: string }
  | { readonly kind: 'unset' }
  | { readonly kind: 'prose'; readonly text: string };

/** A default cell: `` `3000` `` (a value), `unset …`, or words the check cannot compare. */
export function statedDefault(cell: string): StatedDefault {
  const value = /^`([^`]*)`/.exec(cell);
  if (value) return { kind: 'value', value: value[1]! };
  if (/^unset\b/.test(cell)) return { kind: 'unset' };
  return { kind: 'prose', text: cell };
}

// ── timeouts stated next to what they time ──────────────────────────────────────────────────

export interface Duration {
  readonly ms: number;
  readonly text: string;
  readonly offset: number;
}

const FIGURE = String.raw`(\d+(?:\.\d+)?)\s?(ms|s)\b`;
const toMs = (value: string, unit: string) => Number(value) * (unit === 'ms' ? 1 : 1000);
/** A matched phrase as a finding quotes it: one space wherever the source wrapped a line. */
const quoted = (phrase: string) => phrase.replace(/\s+/g, ' ');

/**
 * A figure said of kafkajs ("kafkajs' default is 30 s", "kafkajs' default session of 30 s", "the
 * session was still kafkajs' 30 s"): "kafkajs" within the 30 characters before it, in the same
 * sentence. That is the library's default, not a claim about this service's setting; a figure
 * placed before the word ("about 30 s, the kafkajs default session") is still read as ours.
 */
function aboutKafkajsDefault(text: string, offset: number): boolean {
  const before = text.slice(Math.max(0, offset - 30), offset);
  return /kafkajs[^.;|]*$/i.test(before);
}

/**
 * Consumer-group session figures: "6 s session", "a 30 s session timeout", "session 6 s",
 * "about 30 s, the kafkajs default session timeout" (a figure up to 30 characters before
 * "session", or up to 20 after it, in the same sentence), unless said of kafkajs' default.
 */
export function sessionFigures(text: string): Duration[] {
  const found = new Map<number, Duration>();
  const before = new RegExp(String.raw`${FIGURE}[^.;|\d\n]{0,30}?\bsession\b`, 'gi');
  const after = new RegExp(String.raw`\bsession(?: timeout)?\b[^.;|\d\n]{0,20}?${FIGURE}`, 'gi');
  for (const match of text.matchAll(before)) {
    const offset = match.index;
    if (!aboutKafkajsDefault(text, offset)) {
      found.set(offset, { ms: toMs(match[1]!, match[2]!), text: quoted(match[0]), offset });
    }
  }
  for (const match of text.matchAll(after)) {
    const offset = match.index + match[0].lastIndexOf(match[1]!);
    if (!found.has(offset) && !aboutKafkajsDefault(text, offset)) {
      found.set(offset, { ms: toMs(match[1]!, match[2]!), text: quoted(match[0]), offset });
    }
  }
  return [...found.values()].sort((a, b) => a.offset - b.offset);
}

export interface BackoffClaim {
  /** Whose backoff: the nearest "relay", "consumer" or "client" before it in its paragraph. */
  readonly subject: 'relay' | 'consumer' | 'client' | undefined;
  /** One figure (a cap or a start), or the range "100 ms → 5 s". */
  readonly figures: readonly number[];
  readonly text: string;
  readonly offset: number;
}

/**
 * Backoff figures: "backs off 100 ms → 5 s", "backoff (200 ms → 10 s)", "its backoff is capped
 * at 1 s", "relay backoff 1 s". The subject is looked for backwards within the paragraph or the
 * table cell (a cell often starts "the relay: … its WorkerLoop backs off …").
 */
export function backoffFigures(text: string): BackoffClaim[] {
  const claims: BackoffClaim[] = [];
  const pattern = new RegExp(
    String.raw`\b(?:backoff|backs off|back off)\b[^.;|\d\n]{0,25}?${FIGURE}(?:\s*(?:→|->|to)\s*${FIGURE})?`,
    'gi',
  );
  for (const match of text.matchAll(pattern)) {
    const figures = [toMs(match[1]!, match[2]!)];
    if (match[3] !== undefined) figures.push(toMs(match[3], match[4]!));
    const blockStart = Math.max(
      text.lastIndexOf('\n\n', match.index),
      text.lastIndexOf('|', match.index),
      0,
    );
    const before = text.slice(blockStart, match.index + match[0].length);
    const subjects = [...before.matchAll(/\b(relay|consumer|client)\b/gi)];
    const subject = subjects.at(-1)?.[1]?.toLowerCase() as BackoffClaim['subject'];
    claims.push({ subject, figures, text: quoted(match[0]), offset: match.index });
  }
  return claims;
}

/**
 * "`LEDGER_CHECK_INTERVAL_MS` (15 s)", "`OUTBOX_CLAIM_AFTER_MS`, 30 s by default": a figure
 * within 20 characters after a configuration variable's name in code quotes. An assignment
 * (`SHUTDOWN_TIMEOUT_MS=4000`, a test's own setting) is not a claim about the default.
 */
export function variableFigures(
  text: string,
  names: readonly string[],
): (Duration & { name: string })[] {
  const found: (Duration & { name: string })[] = [];
  const pattern = new RegExp(String.raw`\`([A-Z][A-Z0-9_]+)\`[^.;|\d\n]{0,20}?${FIGURE}`, 'g');
  for (const match of text.matchAll(pattern)) {
    const name = match[1]!;
    if (!names.includes(name)) continue;
    found.push({
      name,
      ms: toMs(match[2]!, match[3]!),
      text: quoted(match[0]),
      offset: match.index,
    });
  }
  return found;
}

/** "6 s", "200 ms", "1.5 s": how a document would write a number of milliseconds. */
export function spoken(ms: number): string {
  return ms < 1000 ? `${ms} ms` : `${ms / 1000} s`;
}
