import { InMemoryFailedIssuanceRepository } from '../../src/adapters/memory/in-memory-failed-issuance-repository.ts';
import { describeFailedIssuanceRepositoryContract } from '../contract/failed-issuance-repository.contract.ts';

describeFailedIssuanceRepositoryContract('in memory', async () => ({
  failures: new InMemoryFailedIssuanceRepository(),
  close: async () => undefined,
}));
