/**
 * The addresses scripts/services.sh started. The cluster's is TEST_REDIS_CLUSTER_NODES, not the
 * service's own REDIS_CLUSTER_NODES, so that `eval "$(scripts/services.sh env)"` never switches a
 * process started from that shell to the cluster by accident.
 *
 * Real-service tests never skip: a missing variable fails the suite with the way to fix it.
 */
export function requireService(
  variable:
    | 'REDIS_URL'
    | 'KAFKA_BROKERS'
    | 'DATABASE_URL'
    | 'TEST_REDIS_CLUSTER_NODES'
    | 'TEST_REDIS_SENTINELS'
    | 'TEST_REDIS_SENTINEL_NAME',
): string {
  const value = process.env[variable];
  if (!value) {
    throw new Error(
      `${variable} is not set. Start the real services and export their addresses:\n` +
        '  bash scripts/services.sh up && eval "$(bash scripts/services.sh env)"\n' +
        'or run everything with: npm run test:all',
    );
  }
  return value;
}
