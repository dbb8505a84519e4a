#!/usr/bin/env bash
# A throwaway PostgreSQL cluster for the tests, on loopback only, with trust authentication.
#
#   scripts/postgres.sh [start]      install PostgreSQL if missing, init and start the cluster, create
#                                    the database switchboard_test; prints its URL (the only stdout
#                                    line). Started by hand, the cluster stays up until `stop`.
#   scripts/postgres.sh start --lease PID
#                                    the same for a test run (vitest.global-setup.ts): if this call
#                                    started the cluster, it stops once every such run has released
#   scripts/postgres.sh release PID  the test run PID is done with the cluster
#   scripts/postgres.sh status       prints the URL and exits 0 when running, exits 3 when not
#   scripts/postgres.sh stop         stops the cluster (the data stays for a fast next start)
#   scripts/postgres.sh destroy      stops it and deletes its data directory
#
# Environment: SWITCHBOARD_PG_PORT (default 54329), SWITCHBOARD_PG_DIR (default
# /var/tmp/switchboard-pg-$PORT). Runs the server as the `postgres` user when started as root.
# Never use this cluster for real data: fsync is off and any local user may connect as superuser.
set -euo pipefail

PORT="${SWITCHBOARD_PG_PORT:-54329}"
RUN_DIR="${SWITCHBOARD_PG_DIR:-/var/tmp/switchboard-pg-$PORT}"
DATA="$RUN_DIR/data"
LOG="$RUN_DIR/server.log"
LEASES="$RUN_DIR/leases"
AUTO_STOP="$RUN_DIR/auto-stop"
LOCK="/tmp/switchboard-pg-$PORT.lock"
DB=switchboard_test
URL="postgres://postgres@127.0.0.1:$PORT/$DB"

# The server runs as another user when we are root: stand somewhere it may read.
cd /

say() { printf 'postgres.sh: %s\n' "$*" >&2; }
die() {
  say "error: $*"
  exit 1
}

# The newest installed server's bin directory (Debian keeps them in /usr/lib/postgresql/N/bin).
find_bin() {
  local dir
  # shellcheck disable=SC2012 # the names are PostgreSQL major versions
  dir="$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -t/ -k5,5n | tail -n 1 || true)"
  if [ -n "$dir" ] && [ -x "$dir/initdb" ] && [ -x "$dir/pg_ctl" ]; then
    echo "$dir"
    return
  fi
  if command -v initdb >/dev/null && command -v pg_ctl >/dev/null; then
    dirname "$(command -v initdb)"
  fi
}

ensure_installed() {
  BIN="$(find_bin)"
  [ -n "$BIN" ] && return
  local sudo=""
  if [ "$(id -u)" -ne 0 ]; then
    if ! command -v sudo >/dev/null || ! sudo -n true 2>/dev/null; then
      die "PostgreSQL is not installed and installing it needs root: run 'sudo apt-get install -y postgresql' (or npm run setup)"
    fi
    sudo="sudo -n"
  fi
  command -v apt-get >/dev/null || die "PostgreSQL is not installed and there is no apt-get here; install PostgreSQL 13 or newer"
  say "installing PostgreSQL (apt-get install postgresql)"
  export DEBIAN_FRONTEND=noninteractive
  $sudo apt-get install -y -qq --no-install-recommends postgresql >&2 ||
    { $sudo apt-get update -qq >&2 && $sudo apt-get install -y -qq --no-install-recommends postgresql >&2; } ||
    die "apt-get install postgresql failed"
  BIN="$(find_bin)"
  [ -n "$BIN" ] || die "PostgreSQL was installed but initdb/pg_ctl were not found"
}

# Runs a PostgreSQL command as the cluster's owner: `postgres` when we are root, else ourselves.
as_owner() {
  if [ "$(id -u)" -eq 0 ]; then
    id postgres >/dev/null 2>&1 || die "running as root but there is no 'postgres' user to own the cluster"
    runuser -u postgres -- "$@"
  else
    "$@"
  fi
}

pg_ctl_() { as_owner "$BIN/pg_ctl" -D "$DATA" "$@"; }

is_running() { [ -f "$DATA/PG_VERSION" ] && pg_ctl_ status >/dev/null 2>&1; }

psql_() { "$BIN/psql" -X -q -v ON_ERROR_STOP=1 -h 127.0.0.1 -p "$PORT" -U postgres "$@"; }

init_cluster() {
  local version
  version="$("$BIN/pg_ctl" --version | awk '{print $3}' | cut -d. -f1)"
  if [ -f "$DATA/PG_VERSION" ] && [ "$(cat "$DATA/PG_VERSION")" != "$version" ]; then
    say "the cluster in $DATA is PostgreSQL $(cat "$DATA/PG_VERSION"), the server is $version: starting over"
    pg_ctl_ stop -m immediate >/dev/null 2>&1 || true
    rm -rf "$DATA"
  fi
  mkdir -p "$RUN_DIR"
  chmod 0755 "$RUN_DIR"
  if [ "$(id -u)" -eq 0 ]; then chown postgres:postgres "$RUN_DIR"; fi
  [ -f "$DATA/PG_VERSION" ] && return
  rm -rf "$DATA"
  say "initializing a test cluster in $DATA"
  as_owner "$BIN/initdb" -D "$DATA" -U postgres --auth-local=trust --auth-host=trust \
    --encoding=UTF8 --no-locale --no-sync >"$RUN_DIR/initdb.log" 2>&1 ||
    die "initdb failed: $(tail -n 20 "$RUN_DIR/initdb.log")"
  as_owner tee -a "$DATA/postgresql.conf" >/dev/null <<EOF

# scripts/postgres.sh: a throwaway test cluster on loopback.
listen_addresses = '127.0.0.1'
port = $PORT
unix_socket_directories = '$RUN_DIR'
max_connections = 300
fsync = off
synchronous_commit = off
full_page_writes = off
logging_collector = off
EOF
}

# Serializes start, release and stop: fd 9 holds the lock until the script exits.
lock() {
  exec 9>>"$LOCK" || die "cannot open the lock file $LOCK"
  flock -w 300 9 || die "another scripts/postgres.sh kept the lock on $LOCK for 5 minutes"
}

start() {
  local lease="${1:-}"
  ensure_installed
  lock
  init_cluster
  if ! is_running; then
    say "starting PostgreSQL on 127.0.0.1:$PORT"
    # 9>&-: the server must not inherit (and hold forever) the lock.
    pg_ctl_ start -w -t 60 -l "$LOG" >/dev/null 2>&1 9>&- ||
      die "PostgreSQL did not start (is port $PORT taken? 'bash scripts/postgres.sh destroy' starts the cluster over): $(tail -n 20 "$LOG" 2>/dev/null)"
    if [ -n "$lease" ]; then touch "$AUTO_STOP"; fi
  fi
  if [ -n "$lease" ]; then
    mkdir -p "$LEASES"
    touch "$LEASES/$lease"
  else
    rm -f "$AUTO_STOP" # started or confirmed by hand: it stays up
  fi
  local exists
  exists="$(psql_ -d postgres -tAc "select 1 from pg_database where datname = '$DB'")" ||
    die "PostgreSQL runs but does not accept connections on 127.0.0.1:$PORT"
  [ "$exists" = 1 ] || psql_ -d postgres -c "create database $DB" >/dev/null
  echo "$URL"
}

release() {
  local lease="$1" file pid
  lock
  rm -f "$LEASES/$lease"
  for file in "$LEASES"/*; do
    [ -e "$file" ] || continue
    pid="$(basename "$file")"
    [ -d "/proc/$pid" ] || rm -f "$file"
  done
  if [ -f "$AUTO_STOP" ] && [ -z "$(ls -A "$LEASES" 2>/dev/null)" ]; then
    BIN="$(find_bin)"
    if [ -n "$BIN" ] && is_running; then
      pg_ctl_ stop -w -t 60 -m fast >/dev/null
      say "stopped (the last test run released it)"
    fi
    rm -f "$AUTO_STOP"
  fi
}

status() {
  BIN="$(find_bin)"
  if [ -n "$BIN" ] && is_running; then
    echo "$URL"
  else
    say "not running (data: $DATA)"
    exit 3
  fi
}

stop() {
  lock
  BIN="$(find_bin)"
  if [ -n "$BIN" ] && is_running; then
    pg_ctl_ stop -w -t 60 -m fast >/dev/null
    say "stopped"
  else
    say "not running"
  fi
  rm -rf "$AUTO_STOP" "$LEASES"
}

pid_arg() {
  [[ "${1:-}" =~ ^[0-9]+$ ]] || die "expected a process id, got '${1:-}'"
}

case "${1:-start}" in
start)
  if [ "${2:-}" = --lease ]; then
    pid_arg "${3:-}"
    start "$3"
  else
    [ -z "${2:-}" ] || die "unknown option '$2' (start takes --lease PID)"
    start
  fi
  ;;
release)
  pid_arg "${2:-}"
  release "$2"
  ;;
status) status ;;
stop) stop ;;
destroy)
  stop
  rm -rf "$RUN_DIR"
  say "removed $RUN_DIR"
  ;;
*) die "unknown command '$1'; use start [--lease PID], release PID, status, stop or destroy" ;;
esac
