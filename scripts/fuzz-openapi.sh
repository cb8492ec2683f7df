#!/usr/bin/env bash
# Fuzzes the API from its own OpenAPI document with Schemathesis (--checks all), against the
# embedded service (in-memory adapters, admin on, body mode), and exits with Schemathesis' code.
#
#   bash scripts/fuzz-openapi.sh                 # seed 1: the same cases every run
#   FUZZ_SEED=42 bash scripts/fuzz-openapi.sh    # other cases
#   bash scripts/fuzz-openapi.sh --max-examples 500   # extra arguments go to `schemathesis run`
#
# Schemathesis is Python: a pinned version is installed once into a virtualenv under
# ~/.cache/coupon-issuance (FUZZ_CACHE to move it), nothing outside it; it runs from a folder
# there too (`cd` into it to `st replay` a failure). What the schema cannot
# state is told to it in scripts/fuzz/: the one cross-field rule (endsAt after startsAt) in
# schemathesis_hooks.py, and that a sold-out campaign answers 410 in schemathesis.toml.
set -euo pipefail

REPO_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
SCHEMATHESIS_VERSION=4.32.5
CACHE="${FUZZ_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/coupon-issuance}/schemathesis-$SCHEMATHESIS_VERSION"

say() { printf '[fuzz] %s\n' "$*" >&2; }

if [[ ! -x $CACHE/bin/schemathesis ]]; then
  command -v python3 >/dev/null || { say "python3 is needed for Schemathesis"; exit 1; }
  say "installing schemathesis $SCHEMATHESIS_VERSION into $CACHE"
  python3 -m venv "$CACHE"
  "$CACHE/bin/pip" install --quiet --disable-pip-version-check "schemathesis==$SCHEMATHESIS_VERSION"
fi

eval "$(bash "$REPO_ROOT/scripts/node24.sh" --env)"
cd "$REPO_ROOT"

PORT="$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')"
TOKEN="fuzz-$(od -An -tx1 -N16 /dev/urandom | tr -d ' \n')"
URL="http://127.0.0.1:$PORT"
LOG="$(mktemp -t coupon-fuzz-service.XXXXXX.log)"

# Every family in memory, whatever this shell exported; rate limits are off in embedded mode.
REDIS_URL='' REDIS_CLUSTER_NODES='' REDIS_SENTINELS='' KAFKA_BROKERS='' DATABASE_URL='' \
  ADMIN_TOKEN="$TOKEN" AUTH_MODE=body HOST=127.0.0.1 PORT="$PORT" LOG_FORMAT=json LOG_LEVEL=warn \
  node --import tsx src/bootstrap/entrypoints/main-embedded.ts >"$LOG" 2>&1 &
SERVICE=$!
trap 'kill "$SERVICE" 2>/dev/null || true; wait "$SERVICE" 2>/dev/null || true; rm -f "$LOG"' EXIT

for _ in $(seq 1 150); do
  curl -fsS "$URL/health/ready" >/dev/null 2>&1 && break
  kill -0 "$SERVICE" 2>/dev/null || { say "the service exited:"; cat "$LOG" >&2; exit 1; }
  sleep 0.2
done
curl -fsS "$URL/health/ready" >/dev/null || { say "the service did not become ready"; exit 1; }
say "service on $URL; schemathesis run --checks all (seed ${FUZZ_SEED:-1})"

# Run from a folder of the cache: Schemathesis keeps its crash cache (what `st replay` reads) in
# ./.schemathesis, which does not belong in the repository.
mkdir -p "$CACHE/work"
cd "$CACHE/work"
status=0
PYTHONPATH="$REPO_ROOT/scripts/fuzz" SCHEMATHESIS_HOOKS=schemathesis_hooks \
  "$CACHE/bin/schemathesis" --config-file "$REPO_ROOT/scripts/fuzz/schemathesis.toml" \
  run "$URL/openapi.json" \
  --checks all \
  --header "Authorization: Bearer $TOKEN" \
  --seed "${FUZZ_SEED:-1}" \
  "$@" || status=$?

if [[ $status -ne 0 && -s $LOG ]]; then
  say "service log (warnings and errors):"
  cat "$LOG" >&2
fi
exit "$status"
