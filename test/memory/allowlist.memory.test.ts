import { InMemoryAllowlist } from '../../src/adapters/memory/in-memory-allowlist.ts';
import { describeAllowlistContract } from '../contract/allowlist.contract.ts';

describeAllowlistContract('in memory', async () => ({
  allowlist: new InMemoryAllowlist(),
  close: async () => undefined,
}));
