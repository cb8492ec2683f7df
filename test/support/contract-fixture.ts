import { afterAll, afterEach, beforeAll, beforeEach } from 'vitest';

/**
 * The fixture of a contract suite: made before and closed after, either once for the whole suite
 * (`'suite'`: tests share it and keep apart by random ids, e.g. one database connection) or
 * afresh for each test (`'test'`: e.g. a fresh Kafka topic, so no test sees another's events).
 * The getter throws outside a test, where there is no fixture.
 */
export function useFixture<F extends { close(): Promise<void> }>(
  make: () => Promise<F>,
  lifetime: 'suite' | 'test',
): () => F {
  let fixture: F | undefined;
  const [before, after] = lifetime === 'suite' ? [beforeAll, afterAll] : [beforeEach, afterEach];
  before(async () => {
    fixture = await make();
  });
  after(async () => {
    await fixture?.close();
    fixture = undefined;
  });
  return () => {
    if (fixture === undefined) throw new Error('the contract fixture exists only inside a test');
    return fixture;
  };
}
