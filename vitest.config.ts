import { defineConfig } from 'vitest/config';

/**
 * Two projects: `fast` needs nothing but Node (npm test); `real` talks to the real Redis, Kafka
 * and MariaDB started by scripts/services.sh (npm run test:all runs both).
 */
export default defineConfig({
  test: {
    projects: [
      {
        test: {
          name: 'fast',
          include: ['test/unit/**/*.test.ts', 'test/memory/**/*.test.ts', 'test/http/**/*.test.ts'],
          testTimeout: 20_000,
        },
      },
      {
        test: {
          name: 'real',
          include: ['test/real/**/*.test.ts'],
          testTimeout: 60_000,
          hookTimeout: 60_000,
        },
      },
      {
        test: {
          name: 'e2e',
          include: ['test/e2e/**/*.test.ts', 'test/faults/**/*.test.ts'],
          testTimeout: 300_000,
          hookTimeout: 120_000,
          // End-to-end suites start processes and share the real services: one file at a time.
          fileParallelism: false,
        },
      },
    ],
  },
});
