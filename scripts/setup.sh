#!/usr/bin/env bash
# One command that installs everything Switchboard needs on a fresh Debian/Ubuntu machine:
# the system packages the tests use as real peers, then the npm dependencies.
set -euo pipefail
cd "$(dirname "$0")/.."

say() { printf '\033[1msetup:\033[0m %s\n' "$*"; }

# System packages: PostgreSQL (team-mode storage tests), Redis (cluster-mode tests), debootstrap (the Swift toolchain chroot),
# Chromium (the console's Playwright tests; Playwright cannot download its own browser here).
need=()
command -v chromium >/dev/null || need+=(chromium fonts-dejavu-core)
[ -x /usr/lib/postgresql/15/bin/initdb ] || ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1 || need+=(postgresql)
command -v debootstrap >/dev/null || need+=(debootstrap)
# coturn: a real TURN server for the voice tests and bench:media (started by them on loopback).
command -v turnserver >/dev/null || need+=(coturn)
command -v redis-server >/dev/null || need+=(redis-server)
if [ ${#need[@]} -gt 0 ]; then
  sudo=""
  [ "$(id -u)" -eq 0 ] || sudo="sudo"
  say "installing system packages: ${need[*]}"
  $sudo apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "${need[@]}" >/dev/null
else
  say "system packages already present"
fi

# The electron package would download its binary from outside the npm registry; the console's
# renderer runs as a web page for tests, so the download is skipped (see README).
if [ -L node_modules ]; then
  # A checkout that shares another's install (a git worktree): npm ci would empty the other one's.
  say "node_modules links to $(readlink -f node_modules): using that install as it is"
else
  say "installing npm dependencies (better-sqlite3 builds from source, about a minute)"
  ELECTRON_SKIP_BINARY_DOWNLOAD=1 npm ci --no-audit --no-fund
fi

# The server serves the console from dist/web: a first `npm run server` opens on the console, not
# on a page asking for a build (it would build it itself, but here it costs nothing extra).
say "building the web console (dist/web)"
npm run --silent build:web -- --logLevel warn
say "done. Run the tests with: npm test, or try it: npm run server -- --demo"
