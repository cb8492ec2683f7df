#!/usr/bin/env bash
# npm run test:all — the README's test command and what CI runs:
# install what is missing, start the real services, migrate, then run every suite against them.
set -euo pipefail
cd "$(dirname "$0")/.."

[ -d node_modules ] || npm ci --no-audit --no-fund

npm run typecheck
npm run lint
npm run format:check

bash scripts/services.sh up >&2
eval "$(bash scripts/services.sh env)"
export REDIS_URL KAFKA_BROKERS DATABASE_URL TEST_REDIS_CLUSTER_NODES

npm run migrate

# Every project: fast (no services), real (adapter contracts on the real services),
# e2e (real processes, stampedes and injected faults). None of them skips.
npx vitest run "$@"

# The harness must keep working: a tiny benchmark smoke run (figures not asserted).
if [ -f bench/run.ts ]; then npm run bench -- --smoke; fi
