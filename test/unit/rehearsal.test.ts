import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { freePort, nodeArgs } from '../../scripts/lib/embedded-process.ts';
import { disagreements, loadVerdict } from '../../scripts/lib/rehearsal-report.ts';
import { requestsOf, shapeOf, UserPool } from '../../scripts/lib/rehearsal-shape.ts';
import { emptyView, shortfallCause, type StepResult } from '../../scripts/lib/shaped-load.ts';
import type { CampaignReportBody } from '../../src/adapters/http/report-body.ts';

const root = fileURLToPath(new URL('../..', import.meta.url));
const run = promisify(execFile);

describe('a rehearsal shape', () => {
  it('climbs to the plateau before the opening, spikes at it, then holds the plateau', () => {
    const steps = shapeOf({
      rampSeconds: 4,
      spikeSeconds: 3,
      plateauSeconds: 10,
      peakRate: 2000,
      plateauRate: 400,
    });

    expect(steps).toEqual([
      { phase: 'ramp', seconds: 1, rate: 130 },
      { phase: 'ramp', seconds: 1, rate: 220 },
      { phase: 'ramp', seconds: 1, rate: 310 },
      { phase: 'ramp', seconds: 1, rate: 400 },
      { phase: 'spike', seconds: 3, rate: 2000 },
      { phase: 'plateau', seconds: 10, rate: 400 },
    ]);
    expect(requestsOf(steps)).toBe(130 + 220 + 310 + 400 + 6000 + 4000);
  });

  it('draws new users from the pool, some clicking again, the same way for the same seed', () => {
    const draw = (seed: number) => {
      const pool = new UserPool(100, 0.25, 'r', seed);
      return { users: Array.from({ length: 400 }, () => pool.next()), distinct: pool.distinct };
    };
    const { users, distinct } = draw(7);

    expect(distinct).toBe(100);
    expect(new Set(users).size).toBe(100);
    // Before the pool runs dry, about a quarter of the requests are users clicking again.
    const firstHundredAndSome = users.slice(0, 120);
    const repeats = firstHundredAndSome.length - new Set(firstHundredAndSome).size;
    expect(repeats).toBeGreaterThan(10);
    expect(repeats).toBeLessThan(60);
    expect(draw(7).users).toEqual(users);
    expect(draw(8).users).not.toEqual(users);
  });
});

const step = (overrides: Partial<StepResult>): StepResult => ({
  phase: 'spike',
  asked: 1000,
  achieved: 1000,
  seconds: 1,
  connections: 100,
  clientCpu: 0.2,
  loopDelayP99Ms: 12,
  latencyP50Ms: 5,
  latencyP99Ms: 20,
  ...overrides,
});

describe('the load verdict', () => {
  it('blames the client when its own CPU or event loop was saturated', () => {
    const short = step({ achieved: 600, clientCpu: 0.97 });

    expect(shortfallCause(short)).toBe('client');
    expect(shortfallCause(step({ achieved: 600, loopDelayP99Ms: 180 }))).toBe('client');
    expect(loadVerdict([short])[0]).toContain('THIS MACHINE could not generate the asked load');
  });

  it('asks for connections when they cannot carry the rate at the latency seen', () => {
    // 100 connections at 50 ms each carry 2,000/s: 5,000/s cannot be asked of them.
    const short = step({ asked: 5000, achieved: 2000, latencyP50Ms: 50 });

    expect(shortfallCause(short)).toBe('connections');
    expect(loadVerdict([short])[0]).toContain('raise --connections');
  });

  it('says when the service answered slower than asked, and when all went as asked', () => {
    expect(shortfallCause(step({ achieved: 700, latencyP50Ms: 8 }))).toBe('service');
    expect(loadVerdict([step({})])).toEqual([
      'spike   asked 1,000/s, got 1,000/s (client CPU up to 20% of a core): as asked',
    ]);
  });
});

describe('client and server side by side', () => {
  const report = (answers: [string, number, string, number][], issued: number, rows: number) =>
    ({
      answers: answers.map(([outcome, status, code, count]) => ({ outcome, status, code, count })),
      grants: { issued, rows, withoutRow: issued - rows, auditReemitted: 0 },
    }) as unknown as CampaignReportBody;

  it('agree when every answer was received as counted and every grant has its row', () => {
    const view = emptyView();
    view.byCode.set('ISSUED', 2).set('SOLD_OUT', 5);
    view.winners.add('a').add('b');

    expect(
      disagreements(
        view,
        report(
          [
            ['issued', 201, 'ISSUED', 2],
            ['sold-out', 410, 'SOLD_OUT', 5],
          ],
          2,
          2,
        ),
      ),
    ).toEqual([]);
  });

  it('name every difference: answers, grants, rows and double wins', () => {
    const view = emptyView();
    view.byCode.set('ISSUED', 2).set('SOLD_OUT', 4);
    view.winners.add('a').add('b');
    view.doubleWins = 1;

    expect(
      disagreements(
        view,
        report(
          [
            ['issued', 201, 'ISSUED', 3],
            ['sold-out', 410, 'SOLD_OUT', 4],
          ],
          3,
          2,
        ),
      ),
    ).toEqual([
      'ISSUED: this machine received 2, the service counted 3',
      'grants: 2 answered 201 here, the ledger counts 3',
      'answered 201 without a row: 1 (must be 0 once the consumer caught up)',
      '1 users were answered 201 twice (G2)',
    ]);
  });
});

describe('npm run rehearse at its edges', () => {
  const rehearse = async (args: string[]) => {
    try {
      const { stdout, stderr } = await run(
        process.execPath,
        [...nodeArgs('scripts/rehearse.ts'), ...args],
        { cwd: root, env: { ...process.env, ADMIN_TOKEN: '' }, timeout: 30_000 },
      );
      return { code: 0, out: `${stdout}${stderr}` };
    } catch (error) {
      const failed = error as { code?: number; stdout?: string; stderr?: string };
      return { code: failed.code ?? -1, out: `${failed.stdout ?? ''}${failed.stderr ?? ''}` };
    }
  };

  it('prints its usage, and one line per mistake or failure, never a stack', async () => {
    const port = await freePort();
    const cases: [string[], number, RegExp][] = [
      [['--help'], 0, /^npm run rehearse -- --url URL --token ADMIN_TOKEN/],
      [['--bogus'], 2, /^rehearse: unknown option --bogus \(see --help\)$/],
      [['--token', 't'], 2, /^rehearse: --url is required/],
      [['--url', `http://127.0.0.1:${port}`], 2, /^rehearse: --token \(or \$ADMIN_TOKEN\)/],
      [
        ['--url', `http://127.0.0.1:${port}`, '--token', 't', '--repeat', '2'],
        2,
        /^rehearse: --repeat must be a number from 0 to 1, not 2$/,
      ],
      [
        ['--url', `http://127.0.0.1:${port}`, '--token', 't', '--pow', 'hard'],
        2,
        /^rehearse: --pow must be a whole number from 1 up, not hard$/,
      ],
      [
        ['--url', `http://127.0.0.1:${port}`, '--token', 't'],
        1,
        /^rehearse: cannot reach the service at http:\/\/127\.0\.0\.1:\d+ \(ECONNREFUSED\)/,
      ],
    ];
    for (const [args, code, line] of cases) {
      const result = await rehearse(args);
      expect(result.code, args.join(' ')).toBe(code);
      expect(result.out).not.toMatch(/^\s+at /m);
      expect(result.out.trim(), args.join(' ')).toMatch(line);
    }
  });
});
