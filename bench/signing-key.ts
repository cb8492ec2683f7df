import { randomBytes } from 'node:crypto';
import type { SigningKey } from '../src/adapters/kafka/event-signature.ts';

/**
 * One event signing key per bench run: every process on Kafka needs EVENT_SIGNING_KEYS, and the
 * events a bench publishes itself (prefill) must be signed with the key its consumer accepts.
 */
export const BENCH_SIGNING_KEY: SigningKey = {
  id: 'bench',
  secret: randomBytes(24).toString('hex'),
};

/** The environment entry that gives a spawned process BENCH_SIGNING_KEY. */
export const BENCH_SIGNING_ENV = {
  EVENT_SIGNING_KEYS: `${BENCH_SIGNING_KEY.id}:${BENCH_SIGNING_KEY.secret}`,
} as const;
