#!/usr/bin/env bash
# Tests the iOS companion's Swift code on any machine (npm run test:swift, CI):
#   1. `swift test` on ios-companion/CompanionCore (Foundation-only: the call logic, the wire
#      protocol against shared/fixtures, the Call Directory builder);
#   2. `swiftc -parse` on every .swift file of ios-companion/App and ios-companion/CallDirectory,
#      which import CallKit, PushKit, UIKit and WebRTC and so can only be syntax-checked off Apple
#      platforms;
#   3. a Swift 6 type-check of ios-companion/App/Live against declaration shims of those frameworks
#      (ios-companion/TypecheckShims, Linux only).
#
# Uses `swift` from PATH when there is one. Otherwise (Debian 12 has no Swift) it builds, once, a
# Debian trixie chroot with the `swiftlang` package OUTSIDE the repository, from the Debian mirror
# this machine's apt already uses, and runs both steps inside it with the repository's
# ios-companion/ and shared/fixtures/ bind-mounted read-only. Needs root for that (CI runs as root).
#
# Environment:
#   SWITCHBOARD_SWIFT_ROOT      chroot location (default /var/cache/switchboard/swift-trixie)
#   SWITCHBOARD_DEBIAN_MIRROR   Debian mirror URL (default: detected from /etc/apt/sources.list*)
#   SWITCHBOARD_SWIFT_CHROOT=1  use the chroot even when `swift` is on PATH
#
# Arguments are passed on to `swift test`, e.g. `npm run test:swift -- --filter TokenTests`.
#
# `swift-test.sh --companion COMMAND...` (npm run test:companion) builds the CompanionHarness
# executable instead and runs COMMAND on this machine while the toolchain is ready, with
# SWITCHBOARD_COMPANION_HARNESS naming the binary and SWITCHBOARD_COMPANION_ROOT the chroot it
# runs in (empty when swift is on PATH).
set -euo pipefail

MODE=test
if [ "${1:-}" = "--companion" ]; then
  MODE=companion
  shift
fi

REPO="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
ROOT="${SWITCHBOARD_SWIFT_ROOT:-/var/cache/switchboard/swift-trixie}"
PACKAGE_REL="ios-companion/CompanionCore"
PARSE_DIRS=(ios-companion/App ios-companion/CallDirectory)
# Bump when the set of packages installed in the chroot changes: the next run installs them.
TOOLCHAIN_VERSION="swiftlang+libc6-dev+libstdc++-14-dev+libgcc-14-dev/1"
BASE_MARKER="$ROOT/.switchboard-debootstrap-done"
READY_MARKER="$ROOT/.switchboard-toolchain-ready"
MOUNT_BASE="/src/switchboard"
BUILD_DIR="/var/tmp/switchboard-swift-build"
START=$SECONDS

say() { printf 'swift: %s\n' "$*"; }
die() { printf 'swift: error: %s\n' "$*" >&2; exit 1; }
elapsed() { printf '%ss' "$((SECONDS - START))"; }

swift_files() {
  local dir
  for dir in "${PARSE_DIRS[@]}"; do
    [ -d "$1/$dir" ] || die "missing $dir"
  done
  (cd "$1" && find "${PARSE_DIRS[@]}" -name '*.swift' -type f | LC_ALL=C sort)
}

# ---------------------------------------------------------------------------------------------
# Native: swift on PATH.
# ---------------------------------------------------------------------------------------------
if command -v swift >/dev/null 2>&1 && [ "${SWITCHBOARD_SWIFT_CHROOT:-0}" != "1" ]; then
  say "using $(command -v swift) ($(swift --version 2>&1 | head -n 1))"
  if [ "$MODE" = companion ]; then
    swift build --package-path "$REPO/$PACKAGE_REL" --product CompanionHarness 2>&1 | tail -n 3
    SWITCHBOARD_COMPANION_ROOT="" \
      SWITCHBOARD_COMPANION_HARNESS="$(swift build --package-path "$REPO/$PACKAGE_REL" --show-bin-path)/CompanionHarness" \
      exec "$@"
  fi
  say "swift test ($PACKAGE_REL)"
  swift test --package-path "$REPO/$PACKAGE_REL" "$@" 2>&1
  say "swiftc -parse (${PARSE_DIRS[*]})"
  mapfile -t files < <(swift_files "$REPO")
  (cd "$REPO" && swiftc -parse "${files[@]}") 2>&1
  if [ "$(uname -s)" = Linux ]; then
    say "type-check App/Live against the framework shims"
    modules="$(swift build --package-path "$REPO/$PACKAGE_REL" --show-bin-path)/Modules"
    bash "$REPO/ios-companion/TypecheckShims/typecheck.sh" "$REPO/ios-companion" "$modules" \
      "$(mktemp -d)" 2>&1
  else
    say "App/Live is type-checked by Xcode here (the shims stand in for Apple's frameworks on Linux only)"
  fi
  say "ok: ${#files[@]} app files parse; all checks passed in $(elapsed)"
  exit 0
fi

# ---------------------------------------------------------------------------------------------
# Chroot.
# ---------------------------------------------------------------------------------------------
[ "$(id -u)" = 0 ] || die "no swift on PATH, and building the Debian trixie toolchain chroot needs root (run as root, or install Swift 6)"
case "$ROOT" in
  /?*) ;;
  *) die "SWITCHBOARD_SWIFT_ROOT must be an absolute path, not '$ROOT'" ;;
esac
ROOT="${ROOT%/}"
[ "$ROOT" != "/" ] || die "SWITCHBOARD_SWIFT_ROOT must not be /"
case "$REPO/" in "$ROOT"/*) die "SWITCHBOARD_SWIFT_ROOT ($ROOT) must not contain the repository" ;; esac

# One run at a time per chroot: runs share its mount point for the sources, its build folder and its
# /proc, and each run unmounts them on exit. A second checkout's run (another worktree) waits here.
mkdir -p "$(dirname "$ROOT")"
exec 8>"$ROOT.lock"
if ! flock -n 8; then
  say "another swift run is using $ROOT; waiting for it…"
  flock 8
fi

# Mount points below $ROOT, deepest first (from /proc/mounts; octal escapes such as \040 decoded).
mounts_under_root() {
  awk -v root="$ROOT" '{ gsub(/\\040/, " ", $2); if ($2 == root || index($2, root "/") == 1) print $2 }' /proc/mounts |
    awk '{ print length($0) "\t" $0 }' | sort -rn | cut -f2-
}

unmount_all() {
  local point
  while IFS= read -r point; do
    [ -n "$point" ] || continue
    umount "$point" 2>/dev/null || umount -l "$point" 2>/dev/null || true
  done < <(mounts_under_root)
}

# Nothing is ever deleted while something (the repository!) is still mounted inside.
wipe_root() {
  unmount_all
  if [ -n "$(mounts_under_root)" ]; then
    die "cannot remove $ROOT: still mounted: $(mounts_under_root | tr '\n' ' ')"
  fi
  rm -rf --one-file-system "$ROOT"
}

# The Debian mirror this machine's apt uses (the only one reachable on locked-down machines).
detect_mirror() {
  if [ -n "${SWITCHBOARD_DEBIAN_MIRROR:-}" ]; then
    printf '%s\n' "$SWITCHBOARD_DEBIAN_MIRROR"
    return
  fi
  local files=() f
  for f in /etc/apt/sources.list /etc/apt/sources.list.d/*.list /etc/apt/sources.list.d/*.sources; do
    [ -f "$f" ] && files+=("$f")
  done
  local found=""
  if [ "${#files[@]}" -gt 0 ]; then
    found="$(awk '
      function consider(uri, suites,   u) {
        if (chosen != "" || uri !~ /^https?:\/\//) return
        if (uri ~ /security/ || suites ~ /security/) return
        u = uri; sub(/\/+$/, "", u)
        if (u ~ /\/debian$/) chosen = u
      }
      # deb822 (.sources): a stanza of "Key: value" lines, ended by a blank line or the file.
      function flush(   n, i, list) {
        if (types ~ /(^|[[:space:]])deb([[:space:]]|$)/ && uris != "") {
          n = split(uris, list, /[[:space:]]+/)
          for (i = 1; i <= n; i++) consider(list[i], suites)
        }
        types = ""; uris = ""; suites = ""
      }
      FNR == 1 { flush() }
      /^[[:space:]]*#/ { next }
      /^[[:space:]]*$/ { flush(); next }
      # One-line format: deb [options] URI suite components
      /^[[:space:]]*deb[[:space:]]/ {
        line = $0; sub(/\[[^]]*\]/, "", line); split(line, f, /[[:space:]]+/)
        if (f[1] == "") consider(f[3], f[4]); else consider(f[2], f[3])
        next
      }
      /^Types:/  { types = $0; sub(/^Types:[[:space:]]*/, "", types) }
      /^URIs:/   { uris = $0; sub(/^URIs:[[:space:]]*/, "", uris) }
      /^Suites:/ { suites = $0; sub(/^Suites:[[:space:]]*/, "", suites) }
      END { flush(); print chosen }
    ' "${files[@]}")"
  fi
  printf '%s\n' "${found:-http://deb.debian.org/debian}"
}

# apt may reach the mirror through a proxy; debootstrap and the chroot's apt read http_proxy.
if [ -z "${http_proxy:-}" ] && command -v apt-config >/dev/null 2>&1; then
  proxy="$(apt-config dump 2>/dev/null | sed -n 's/^Acquire::http::Proxy "\(.*\)";$/\1/p' | head -n 1)"
  if [ -n "$proxy" ] && [ "$proxy" != "DIRECT" ]; then export http_proxy="$proxy"; fi
fi

in_chroot() {
  chroot "$ROOT" /usr/bin/env -i \
    HOME=/root LANG=C.UTF-8 TERM="${TERM:-dumb}" DEBIAN_FRONTEND=noninteractive \
    PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin \
    ${http_proxy:+http_proxy="$http_proxy"} ${https_proxy:+https_proxy="$https_proxy"} \
    "$@"
}

mount_proc() {
  mkdir -p "$ROOT/proc"
  if ! mountpoint -q "$ROOT/proc"; then
    mount -t proc proc "$ROOT/proc" || die "cannot mount proc in $ROOT"
  fi
}

# A previous run killed before its trap left mounts behind: clear them first.
unmount_all
trap 'unmount_all' EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

command -v chroot >/dev/null || die "chroot not found"

if [ ! -f "$BASE_MARKER" ]; then
  command -v debootstrap >/dev/null || die "debootstrap is not installed (apt-get install -y debootstrap)"
  mirror="$(detect_mirror)"
  if [ -e "$ROOT" ]; then
    say "removing an unfinished toolchain chroot at $ROOT"
    wipe_root
  fi
  say "creating toolchain chroot (first run, 2–4 min): Debian trixie + swiftlang from $mirror into $ROOT…"
  log="$(dirname "$ROOT")/debootstrap.log"
  if ! debootstrap --variant=minbase --include=swiftlang trixie "$ROOT" "$mirror" >"$log" 2>&1; then
    tail -n 20 "$log" >&2
    die "debootstrap failed (full log: $log)"
  fi
  echo "$mirror" >"$BASE_MARKER"
  say "base system ready after $(elapsed)"
fi

if [ "$(cat "$READY_MARKER" 2>/dev/null || true)" != "$TOOLCHAIN_VERSION" ]; then
  rm -f "$READY_MARKER"
  say "installing C/C++ headers for swift build in the chroot…"
  cp -L /etc/resolv.conf "$ROOT/etc/resolv.conf" 2>/dev/null || true
  mount_proc
  if ! in_chroot bash -c 'apt-get update -q && apt-get install -y -q --no-install-recommends libc6-dev libstdc++-14-dev libgcc-14-dev' \
    >"$ROOT/var/log/switchboard-apt.log" 2>&1; then
    tail -n 20 "$ROOT/var/log/switchboard-apt.log" >&2
    die "installing build headers in the chroot failed"
  fi
  in_chroot swift --version >/dev/null 2>&1 || die "swift does not run in $ROOT"
  echo "$TOOLCHAIN_VERSION" >"$READY_MARKER"
  say "toolchain ready after $(elapsed)"
else
  say "using cached toolchain chroot $ROOT"
fi

mount_proc
[ -e "$ROOT/dev/null" ] || mount --bind /dev "$ROOT/dev" || die "cannot provide /dev in $ROOT"

# The repository's Swift sources and the shared fixtures, where the tests find them by walking up
# from #filePath to a folder holding shared/fixtures. Read-only: builds go to $BUILD_DIR.
share() {
  local source="$REPO/$1" target="$ROOT$MOUNT_BASE/$1"
  [ -d "$source" ] || die "missing $1"
  mkdir -p "$target"
  if mount --bind "$source" "$target" 2>/dev/null; then
    mount -o remount,bind,ro "$target" 2>/dev/null || true
  else
    # No bind mounts here (an unprivileged container): copy instead. Never delete through a
    # mount: a bind mount of the repository is on the same device, so --one-file-system alone
    # would not stop rm from emptying the repository.
    if mountpoint -q "$target" || [ -n "$(mounts_under_root | grep -F "$target")" ]; then
      die "$target is still a mount point; not replacing it"
    fi
    rm -rf --one-file-system "$target"
    mkdir -p "$target"
    cp -a "$source/." "$target/"
  fi
}
share ios-companion
share shared/fixtures

if [ "$MODE" = companion ]; then
  say "swift build CompanionHarness ($PACKAGE_REL)"
  build_log="$(mktemp)"
  if ! in_chroot bash -c "cd '$MOUNT_BASE/$PACKAGE_REL' && swift build --scratch-path '$BUILD_DIR' --product CompanionHarness" >"$build_log" 2>&1; then
    grep -E -A4 'error:' "$build_log" | head -n 80 >&2
    rm -f "$build_log"
    die "the CompanionHarness build failed"
  fi
  tail -n 1 "$build_log"
  rm -f "$build_log"
  # The scenarios spawn the harness in the chroot (its Swift runtime lives there) while this
  # script holds the lock and the mounts; the trap unmounts when they are done.
  status=0
  SWITCHBOARD_COMPANION_ROOT="$ROOT" SWITCHBOARD_COMPANION_HARNESS="$BUILD_DIR/debug/CompanionHarness" "$@" || status=$?
  exit "$status"
fi

say "swift test ($PACKAGE_REL, $(in_chroot swift --version 2>&1 | head -n 1))"
status=0
in_chroot bash -c "cd '$MOUNT_BASE/$PACKAGE_REL' && swift test --scratch-path '$BUILD_DIR' \"\$@\"" swift-test "$@" 2>&1 || status=$?
[ "$status" = 0 ] || die "swift test failed (exit $status)"

for dir in "${PARSE_DIRS[@]}"; do [ -d "$REPO/$dir" ] || die "missing $dir"; done
mapfile -t files < <(swift_files "$REPO")
[ "${#files[@]}" -gt 0 ] || die "no .swift files in ${PARSE_DIRS[*]}"
say "swiftc -parse: ${#files[@]} files in ${PARSE_DIRS[*]}"
in_chroot bash -c "cd '$MOUNT_BASE' && swiftc -parse \"\$@\"" swiftc-parse "${files[@]}" 2>&1 || die "swiftc -parse failed"

# Issue 21 item 8: App/Live in Swift 6 mode against declaration shims of CallKit, PushKit, AVFAudio,
# UIKit, Security, os, WebRTC and Socket.IO (ios-companion/TypecheckShims), with the CompanionCore
# module the tests just built.
say "type-check App/Live (Swift 6, strict concurrency) against the framework shims"
in_chroot bash "$MOUNT_BASE/ios-companion/TypecheckShims/typecheck.sh" "$MOUNT_BASE/ios-companion" \
  "$BUILD_DIR/debug/Modules" /var/tmp/switchboard-swift-shims 2>&1 || die "App/Live does not type-check (issue 21 item 8)"

say "ok: all checks passed in $(elapsed)"
