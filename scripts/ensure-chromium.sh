#!/usr/bin/env bash
# Installs Debian's `chromium` (used headless by the dashboard end-to-end test through
# playwright-core) when /usr/bin/chromium is missing. Idempotent: does nothing when present.
set -euo pipefail

CHROMIUM=/usr/bin/chromium
if [ -x "$CHROMIUM" ]; then
  echo "chromium: $("$CHROMIUM" --version 2>/dev/null || echo present) at $CHROMIUM" >&2
  exit 0
fi

if ! command -v apt-get >/dev/null 2>&1; then
  echo "chromium: $CHROMIUM is missing and apt-get is not available; install Chromium so that $CHROMIUM exists" >&2
  exit 1
fi

SUDO=""
if [ "$(id -u)" -ne 0 ]; then
  if command -v sudo >/dev/null 2>&1; then SUDO="sudo"; else
    echo "chromium: $CHROMIUM is missing; run this script as root (or install sudo) to apt-get install chromium" >&2
    exit 1
  fi
fi

export DEBIAN_FRONTEND=noninteractive
# Refresh the package lists only when apt does not know the package yet (fresh images ship none).
if ! apt-cache show chromium >/dev/null 2>&1; then
  echo "chromium: apt-get update" >&2
  $SUDO apt-get update -qq
fi
echo "chromium: apt-get install chromium" >&2
$SUDO apt-get install -y -qq --no-install-recommends chromium fonts-liberation >/dev/null
if [ ! -x "$CHROMIUM" ]; then
  echo "chromium: installed the package but $CHROMIUM is still missing" >&2
  exit 1
fi
echo "chromium: $("$CHROMIUM" --version 2>/dev/null || echo installed) at $CHROMIUM" >&2
