import { Redis } from 'ioredis';
import { afterAll, describe, expect, it } from 'vitest';
import { useE2eSystem } from '../support/e2e-harness.ts';
import { ledgerFaultScenario } from '../support/e2e-ledger-fault.ts';
import { waitFor } from '../support/e2e-wait.ts';
import { requireService } from '../support/real-services.ts';

const sentinels = requireService('TEST_REDIS_SENTINELS');
const name = requireService('TEST_REDIS_SENTINEL_NAME');
const nodes = sentinels.split(',').map((node) => {
  const [host = '', port = ''] = node.split(':');
  return { host, port: Number(port) };
});

/**
 * Scenario (c): a Sentinel failover mid-stampede. The api follows the master through the
 * Sentinels of scripts/services.sh and holds every 201 until the replica has the grant
 * (LEDGER_MIN_REPLICAS=1, Redis WAIT). The master is SIGKILLed; the Sentinels promote the
 * replica; the killed node comes back as the new master's replica. The promoted replica is
 * another server process, so its campaigns are fenced and reconciled before grants resume.
 */
describe('fault: Sentinel failover mid-stampede (master SIGKILLed, replica promoted)', () => {
  const system = useE2eSystem({
    env: { REDIS_URL: '', REDIS_SENTINELS: sentinels, REDIS_SENTINEL_NAME: name },
    probe: { sentinels: nodes, name },
  });
  const [first = nodes[0]] = nodes;
  const sentinel = new Redis({ ...first, lazyConnect: true });

  afterAll(() => {
    sentinel.disconnect(); // a Sentinel does not know QUIT
  });

  it('keeps every 201 through the promotion: no loss, no second coupon, no over-issue', async () => {
    let killed = '';
    const master = async () =>
      ((await sentinel.call('SENTINEL', 'GET-MASTER-ADDR-BY-NAME', name)) as string[]).join(':');
    const { unavailableMs } = await ledgerFaultScenario(system, {
      name: 'redis-failover',
      apiEnv: { LEDGER_MIN_REPLICAS: '1' },
      inject: async () => {
        killed = await system.faults.killSentinelMaster(sentinel, name);
      },
      recover: async () => {
        await waitFor('the Sentinels to promote the replica', async () =>
          (await master()) !== killed ? true : undefined,
        );
        await system.faults.start('redis-sentinel'); // the killed node rejoins as a replica
      },
      faultAnswers: ['LEDGER_UNAVAILABLE', 'LEDGER_NOT_REPLICATED', 'LEDGER_NOT_READY'],
    });
    expect(await master()).not.toBe(killed);
    expect(unavailableMs).toBeGreaterThan(0);
  });
});
