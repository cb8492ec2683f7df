import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { nodeArgs } from '../../scripts/lib/embedded-process.ts';
import type { CampaignReportBody } from '../../src/adapters/http/report-body.ts';
import { useE2eSystem } from '../support/e2e-harness.ts';

const root = fileURLToPath(new URL('../..', import.meta.url));

/** Runs `npm run rehearse` (the script itself) with these arguments; its exit code and output. */
function rehearse(args: readonly string[]): Promise<{ code: number; output: string }> {
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      [...nodeArgs('scripts/rehearse.ts'), ...args],
      { cwd: root, timeout: 180_000 },
      (error, stdout, stderr) => {
        const exit = error ? (typeof error.code === 'number' ? error.code : 1) : 0;
        resolve({ code: exit, output: `${stdout}${stderr}` });
      },
    );
  });
}

/**
 * Issue 26, done when: a rehearsal against the production processes (main-api, main-consumer) on
 * the real Redis, Kafka and MariaDB produces a report whose counts match MySQL and Redis exactly.
 * `npm run rehearse` runs as a person runs it, against the api's URL with the admin token; then
 * its report is judged against the rows and the ledger read directly.
 */
describe('e2e: npm run rehearse against the production processes', () => {
  const system = useE2eSystem();

  it('fires a drop, agrees with the service, and the report matches MySQL and Redis', async () => {
    const api = await system.startApi();
    await system.startConsumer();

    const { code, output } = await rehearse([
      ...['--url', api.url, '--token', system.adminToken],
      ...['--ramp', '2', '--spike', '2', '--hold', '2', '--peak', '300', '--plateau', '100'],
      ...['--quantity', '200', '--users', '1500', '--connections', '30'],
    ]);

    expect(output).toContain('ok: the client and the service agree, and every 201 has its row');
    expect(code, output).toBe(0);
    const campaignId = /rehearsal campaign (rehearsal-[a-z0-9]+):/.exec(output)?.[1];
    expect(campaignId, output).toBeDefined();
    const response = await fetch(`${api.url}/campaigns/${campaignId}/report`, {
      headers: { authorization: `Bearer ${system.adminToken}` },
    });
    const report = (await response.json()) as CampaignReportBody;
    const rows = await system.probes.rowCounts(campaignId!);
    const ledger = await system.probes.ledger(campaignId!);

    expect(report.grants).toEqual({
      issued: ledger.count,
      rows: rows.rows,
      withoutRow: 0,
      auditReemitted: 0,
    });
    expect(rows).toEqual({ rows: 200, distinctUsers: 200 });
    expect(report.answers.find((a) => a.code === 'ISSUED')?.count).toBe(200);
    expect(report.delay.samples).toBe(200);
    expect(report.sellOut.soldOut).toBe(true);
    expect(report.processes).toHaveLength(1);
    await system.probes.forget([campaignId!]);
  });

  it('--pow: a gated rehearsal, every application with its own solution, none refused', async () => {
    const api = await system.startApi();
    await system.startConsumer();

    const { code, output } = await rehearse([
      ...['--url', api.url, '--token', system.adminToken, '--pow', '1000'],
      ...['--ramp', '1', '--spike', '2', '--hold', '1', '--peak', '100', '--plateau', '50'],
      ...['--quantity', '50', '--users', '500', '--connections', '10'],
    ]);

    expect(output).toContain('ok: the client and the service agree, and every 201 has its row');
    expect(output).toMatch(/proof of work: [\d,]+ solved in/);
    expect(code, output).toBe(0);
    const campaignId = /rehearsal campaign (rehearsal-[a-z0-9]+):/.exec(output)?.[1];
    const summary = (await (await fetch(`${api.url}/campaigns/${campaignId}`)).json()) as {
      proofOfWorkDifficulty?: number;
    };
    expect(summary.proofOfWorkDifficulty).toBe(1000);
    const response = await fetch(`${api.url}/campaigns/${campaignId}/report`, {
      headers: { authorization: `Bearer ${system.adminToken}` },
    });
    const report = (await response.json()) as CampaignReportBody;
    expect(report.answers.filter((a) => a.code.startsWith('PROOF_'))).toEqual([]);
    expect(report.answers.find((a) => a.code === 'ISSUED')?.count).toBe(50);
    expect(await system.probes.rowCounts(campaignId!)).toEqual({ rows: 50, distinctUsers: 50 });
    await system.probes.forget([campaignId!]);
  });
});
