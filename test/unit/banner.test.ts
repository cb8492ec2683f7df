import { execFileSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import {
  announceStart,
  startupBanner,
  tryCommand,
  type StartedService,
} from '../../src/bootstrap/entrypoints/banner.ts';
import { CapturingLogger } from '../support/test-logger.ts';

const memory = { ledger: 'memory', log: 'memory', store: 'memory' } as const;
const embedded: StartedService = {
  url: 'http://127.0.0.1:3000',
  wiring: memory,
  config: { ADMIN_TOKEN: undefined, AUTH_MODE: 'body' },
  campaignId: 'default',
};

/** What curl would receive if `line` were pasted into bash: its arguments, one per line. */
function pasted(line: string): string[] {
  const out = execFileSync('bash', ['-c', `curl() { printf '%s\\n' "$@"; }\n${line}`], {
    encoding: 'utf8',
  });
  return out.trimEnd().split('\n');
}

function terminal() {
  const written: string[] = [];
  return { isTTY: true, write: (text: string) => written.push(text), written };
}

describe('the startup banner', () => {
  it('has a try command that pastes into a shell as a valid application', () => {
    const args = pasted(tryCommand(embedded)!);
    expect(args).toEqual([
      '-X',
      'POST',
      'http://127.0.0.1:3000/campaigns/default/issuances',
      '-H',
      'content-type: application/json',
      '-d',
      '{"userId":"alice"}',
    ]);
    expect(JSON.parse(args[6]!)).toEqual({ userId: 'alice' });
  });

  it('prints the URL, the dashboard, /docs, admin and the try command as plain text', () => {
    const banner = startupBanner(embedded);
    expect(banner).toContain('  API        http://127.0.0.1:3000\n');
    expect(banner).toContain('  dashboard  http://127.0.0.1:3000/\n');
    expect(banner).toContain('  API docs   http://127.0.0.1:3000/docs\n');
    expect(banner).toContain(
      'admin      off: /admin/* answers 404 ADMIN_DISABLED; set ADMIN_TOKEN',
    );
    expect(banner).not.toContain('\\"');
    const tryLine = banner.split('\n').find((line) => line.startsWith('  try'))!;
    expect(pasted(tryLine.replace(/^ {2}try +/, ''))).toContain('{"userId":"alice"}');
  });

  it('at a terminal: the banner on stdout, and no escaped command in the log line', () => {
    const logger = new CapturingLogger();
    const out = terminal();

    announceStart(logger, embedded, out);

    expect(out.written.join('')).toBe(startupBanner(embedded));
    const [listening] = logger.at('info');
    expect(listening?.context).toMatchObject({
      url: 'http://127.0.0.1:3000',
      dashboard: 'http://127.0.0.1:3000/',
      docs: 'http://127.0.0.1:3000/docs',
    });
    expect(listening?.context).not.toHaveProperty('try');
  });

  it('in a pipe: no banner, the command under `try`, pastable once a JSON reader unescapes it', () => {
    const logger = new CapturingLogger();
    const written: string[] = [];

    announceStart(logger, embedded, { isTTY: false, write: (t: string) => written.push(t) });

    expect(written).toEqual([]);
    const line = JSON.parse(JSON.stringify(logger.at('info')[0]?.context)) as { try: string };
    expect(pasted(line.try)).toContain('{"userId":"alice"}');
  });

  it('says admin is off, and how to turn it on, in the log', () => {
    const logger = new CapturingLogger();
    announceStart(logger, embedded, { isTTY: false, write: () => true });
    expect(logger.at('info').map((e) => e.message)).toContain(
      'admin is off: /admin/* answers 404 ADMIN_DISABLED; set ADMIN_TOKEN (16+ characters) to create campaigns',
    );
  });

  it('with ADMIN_TOKEN: admin on, no such line', () => {
    const logger = new CapturingLogger();
    const on = { ...embedded, config: { ADMIN_TOKEN: 'x'.repeat(16), AUTH_MODE: 'body' as const } };
    announceStart(logger, on, { isTTY: false, write: () => true });
    expect(logger.entries.map((e) => e.message).join('\n')).not.toContain('admin is off');
    expect(startupBanner(on)).toContain('admin      on (bearer ADMIN_TOKEN)');
  });

  it('in jwt mode, the try command sends a bearer token instead of a body', () => {
    const jwt = { ...embedded, config: { ADMIN_TOKEN: undefined, AUTH_MODE: 'jwt' as const } };
    const args = pasted(`TOKEN=a.b.c; ${tryCommand(jwt)!}`);
    expect(args).toContain('authorization: Bearer a.b.c');
    expect(args).not.toContain('-d');
  });

  it('the production API (no seeded campaign) has no try line', () => {
    const api: StartedService = { url: embedded.url, wiring: memory, config: embedded.config };
    expect(tryCommand(api)).toBeUndefined();
    expect(startupBanner(api)).not.toContain('try');
  });
});
