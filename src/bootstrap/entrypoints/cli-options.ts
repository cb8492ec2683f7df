import { parseArgs, type ParseArgsOptionsConfig } from 'node:util';
import { parseCampaignId, type CampaignId } from '../../domain/ids.ts';

/**
 * What every command line of the project does at its edges (the operator CLIs here, and
 * scripts/demo.ts): `--help` prints the usage and exits 0; a bad option is one line and exit 2;
 * a failure is one line and exit 1, with the stack only under `--verbose`. A person who typed
 * the wrong port or campaign needs the one sentence that says so, not a trace through our code.
 */

/** A failure the person at the terminal can act on: one line, no stack, this exit code. */
export class CliFailure extends Error {
  constructor(
    message: string,
    readonly exitCode = 1,
  ) {
    super(message);
    this.name = 'CliFailure';
  }
}

/**
 * The campaign a command acts on, its one positional argument: a missing or malformed one is a
 * usage error (exit 2) naming how to call `command`.
 */
export function campaignArgument(
  command: string,
  what: string,
  positionals: readonly string[],
): CampaignId {
  const id = parseCampaignId(positionals[0]);
  if (id.ok) return id.value;
  throw new CliFailure(
    `give the campaign to ${what}: npm run ${command} -- <campaignId> ` +
      `(${positionals[0] === undefined ? 'none given' : id.problems[0]?.message})`,
    2,
  );
}

export interface CliSpec<O extends ParseArgsOptionsConfig> {
  /** As the person types it: `demo`, `rebuild-ledger`. Prefixes every line this command prints. */
  readonly name: string;
  /** The text of `--help`. */
  readonly usage: string;
  readonly options?: O;
  /** How many positional arguments are accepted (none by default). */
  readonly maxPositionals?: number;
}

const COMMON = {
  help: { type: 'boolean', short: 'h' },
  verbose: { type: 'boolean' },
} as const;

/**
 * Parses the arguments. `--help` prints the usage and exits 0; an unknown option, a missing
 * value or too many positionals print one line naming it and exit 2.
 */
export function parseCli<O extends ParseArgsOptionsConfig>(
  spec: CliSpec<O>,
  argv: readonly string[] = process.argv.slice(2),
) {
  const config = {
    args: [...argv],
    options: { ...COMMON, ...spec.options } as typeof COMMON & O,
    allowPositionals: true as const,
    strict: true as const,
  };
  let parsed: ReturnType<typeof parseArgs<typeof config>>;
  try {
    parsed = parseArgs(config);
  } catch (error) {
    exitWith(`${spec.name}: ${argumentProblem(error)} (see --help)`, 2);
  }
  const common = parsed.values as { help?: boolean; verbose?: boolean };
  if (common.help === true) {
    process.stdout.write(`${spec.usage.trim()}\n`);
    process.exit(0);
  }
  const allowed = spec.maxPositionals ?? 0;
  if (parsed.positionals.length > allowed) {
    const extra = parsed.positionals.slice(allowed).join(' ');
    exitWith(`${spec.name}: unexpected argument ${extra} (see --help)`, 2);
  }
  return {
    values: parsed.values,
    positionals: parsed.positionals,
    verbose: common.verbose === true,
  };
}

/** Node's parseArgs messages, shortened to the option they are about. */
function argumentProblem(error: unknown): string {
  const code = field(error, 'code');
  const message = error instanceof Error ? error.message : String(error);
  const option = /'([^']+)'/.exec(message)?.[1];
  if (code === 'ERR_PARSE_ARGS_UNKNOWN_OPTION' && option) return `unknown option ${option}`;
  if (code === 'ERR_PARSE_ARGS_INVALID_OPTION_VALUE' && option) {
    return `option ${option.split(' ')[0]} needs a value`;
  }
  return message.split('. ')[0] ?? message;
}

/**
 * An error as ONE line: its message followed by its causes' (`fetch failed: connect
 * ECONNREFUSED 127.0.0.1:3000`), which is where a driver says what actually went wrong. With
 * `verbose`, the whole error with its stack and causes instead.
 */
export function describeError(error: unknown, verbose = false): string {
  if (verbose) return error instanceof Error ? stackOf(error) : String(error);
  const parts: string[] = [];
  for (let e: unknown = error, depth = 0; e !== undefined && depth < 5; depth++) {
    const message = messageOf(e);
    if (message && !parts.includes(message)) parts.push(message);
    e = field(e, 'cause');
  }
  return parts.join(': ').replace(/\s*\n\s*/g, ' ') || 'unknown error';
}

function messageOf(error: unknown): string {
  if (error instanceof AggregateError && error.message === '') {
    // Node's fetch to `localhost` tries ::1 and 127.0.0.1: the reasons are the inner errors.
    return [...new Set(error.errors.map(messageOf))].join(', ');
  }
  if (error instanceof Error) return error.message;
  return String(error);
}

function stackOf(error: Error): string {
  const cause = error.cause === undefined ? '' : `\ncaused by: ${describeError(error.cause, true)}`;
  return `${error.stack ?? error.message}${cause}`;
}

/** The `code` of a failed connection (ECONNREFUSED, ENOTFOUND…), wherever in the causes it is. */
export function connectionCode(error: unknown): string | undefined {
  for (let e: unknown = error, depth = 0; e !== undefined && depth < 5; depth++) {
    const code = field(e, 'code');
    if (typeof code === 'string' && /^E[A-Z]+$/.test(code)) return code;
    if (e instanceof AggregateError) {
      const inner = e.errors.map(connectionCode).find((c) => c !== undefined);
      if (inner) return inner;
    }
    e = field(e, 'cause');
  }
  return undefined;
}

/**
 * Runs a command's main and exits with its code. A CliFailure is its one line; anything else is
 * a bug or an outage we did not foresee: still one line, with a pointer to `--verbose`.
 */
export async function runCli(
  name: string,
  verbose: boolean,
  main: () => Promise<number>,
): Promise<never> {
  let code: number;
  try {
    code = await main();
  } catch (error) {
    if (error instanceof CliFailure && !verbose) {
      // One line per problem (a configuration error names each bad variable), each prefixed.
      for (const line of error.message.split('\n')) process.stderr.write(`${name}: ${line}\n`);
      code = error.exitCode;
    } else {
      const hint = verbose ? '' : ' (run with --verbose for the stack)';
      process.stderr.write(`${name}: ${describeError(error, verbose)}${hint}\n`);
      code = error instanceof CliFailure ? error.exitCode : 1;
    }
  }
  // Flush what was written before exiting: stdout may be a pipe.
  await new Promise<void>((resolve) => process.stdout.write('', () => resolve()));
  process.exit(code);
}

/** A property of a thrown value, which may be anything (or nothing). */
function field(value: unknown, key: string): unknown {
  return typeof value === 'object' && value !== null
    ? (value as Record<string, unknown>)[key]
    : undefined;
}

function exitWith(line: string, code: number): never {
  process.stderr.write(`${line}\n`);
  process.exit(code);
}
