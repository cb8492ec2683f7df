#!/usr/bin/env bash
# npm run test:all — the README's test command and what CI runs:
# install what is missing, start the real services, migrate, then run every suite against them.
# `npm run test:all` runs this under scripts/node24.sh, so it has Node 24 even where the system
# Node is older (a pinned copy is fetched from the npm registry once and cached).
set -euo pipefail
cd "$(dirname "$0")/.."

echo "node $(node --version), npm $(npm --version)" >&2
node -e 'process.exit(Number(process.versions.node.split(".")[0]) >= 24 ? 0 : 1)' ||
  { echo "test-all: needs Node 24; run it as npm run test:all (scripts/node24.sh fetches one)" >&2; exit 1; }
[ -d node_modules ] || npm ci --no-audit --no-fund

npm run typecheck
npm run lint
npm run format:check

# The production entrypoints, the migrations and the CLIs run the compiled output.
npm run build

bash scripts/services.sh up >&2
eval "$(bash scripts/services.sh env)"
export REDIS_URL KAFKA_BROKERS DATABASE_URL TEST_REDIS_CLUSTER_NODES TEST_REDIS_SENTINELS TEST_REDIS_SENTINEL_NAME

npm run migrate

# The dashboard test drives Debian's Chromium headless.
bash scripts/ensure-chromium.sh >&2

# Every project: fast (no services), real (adapter contracts on the real services),
# e2e (real processes, stampedes and injected faults). None of them skips.
results="$(mktemp -t vitest-results.XXXXXX.json)"
status=0
npx vitest run --reporter=default --reporter=json --outputFile="$results" "$@" || status=$?
# One plain closing line, whatever the reporter printed above it.
node -e '
  const r = JSON.parse(require("fs").readFileSync(process.argv[1], "utf8"));
  const skipped = r.numPendingTests + r.numTodoTests;
  console.log(`tests: ${r.numPassedTests} passed, ${r.numFailedTests} failed, ${skipped} skipped`);
  if (r.numTotalTests === 0) { console.error("no test ran"); process.exit(1); }
  if (skipped > 0) { console.error("a suite skipped tests: real-service suites must run or fail"); process.exit(1); }
' "$results" || status=1
[ "$status" -eq 0 ] || exit "$status"

# The harness must keep working: a tiny benchmark smoke run (figures not asserted).
if [ -f bench/run.ts ]; then npm run bench -- --smoke; fi
